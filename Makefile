# fleetnet.docker: everything a developer or CI runs. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# ansible-core 2.20+ needs Python 3.12; the oldest supported core (2.17) runs on 3.11.
PYTHON_NEWEST ?= $(firstword $(wildcard /root/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12))
PYTHON_OLDEST ?= $(firstword $(wildcard /root/.pyenv/versions/3.11*/bin/python3.11) $(shell command -v python3.11))
ANSIBLE_NEWEST ?= 2.21.5
ANSIBLE_OLDEST ?= 2.17.14

VENV := $(CURDIR)/.venv
VENV_OLDEST := $(CURDIR)/.venv-oldest
# ansible-test --requirements installs pinned sanity tools: keep them out of the main venv.
VENV_SANITY := $(CURDIR)/.venv-sanity
# The interpreter the sandbox hosts use for modules: what a real managed node would have.
VENV_NODE := $(CURDIR)/.venv-node

COLLECTIONS := $(CURDIR)/build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/fleetnet/docker
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/tests/ansible.cfg

HOSTS ?= 3
FLEET ?= fleet
FLEET_TOOL := $(CURDIR)/tests/fleet/fleet
FLEET_INVENTORY := /var/lib/fleetnet-sandbox/$(FLEET)/inventory.ini
TARGETS ?=

.PHONY: help deps venv collection fleet fleet-down demo test molecule sanity sanity-newest sanity-oldest lint unit integration bench build build-check clean

help:
	@echo "make demo        bring up the sandbox fleet and run playbooks/site.yml on it"
	@echo "make test        everything CI runs: sanity, lint, unit and integration tests"
	@echo "make fleet       bring up HOSTS=$(HOSTS) sandbox Docker hosts (prints the inventory path)"
	@echo "make fleet-down  remove the sandbox fleet and everything it made"
	@echo "make unit | sanity | lint | integration [TARGETS=name ...] | molecule | bench | build"

# Debian packages the controller and the sandbox fleet need (installed only when missing).
# gcc and libc6-dev build the test network plugin (tests/plugin/); shellcheck serves ansible-test sanity;
# graphviz lays out the fleet report's diagram, chromium renders the report page in its test.
DEB_PACKAGES := docker.io openssh-server openssh-client iproute2 iptables busybox-static rsync git gcc libc6-dev shellcheck graphviz chromium
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(VENV)/.installed: requirements-dev.txt
	rm -rf $(VENV)
	$(PYTHON_NEWEST) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check 'ansible-core==$(ANSIBLE_NEWEST)' -r requirements-dev.txt
	touch $@

$(VENV_NODE)/.installed: requirements.txt
	rm -rf $(VENV_NODE)
	$(PYTHON_OLDEST) -m venv $(VENV_NODE)
	$(VENV_NODE)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV_SANITY)/.installed:
	rm -rf $(VENV_SANITY)
	$(PYTHON_NEWEST) -m venv $(VENV_SANITY)
	$(VENV_SANITY)/bin/pip install -q --disable-pip-version-check 'ansible-core==$(ANSIBLE_NEWEST)'
	touch $@

$(VENV_OLDEST)/.installed:
	rm -rf $(VENV_OLDEST)
	$(PYTHON_OLDEST) -m venv $(VENV_OLDEST)
	$(VENV_OLDEST)/bin/pip install -q --disable-pip-version-check 'ansible-core==$(ANSIBLE_OLDEST)' 'docker>=7,<8'
	touch $@

venv: $(VENV)/.installed $(VENV_NODE)/.installed

# Playbooks and tests load the collection from this working tree through a link.
collection:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

fleet: deps venv
	@FLEET_NAME=$(FLEET) FLEET_PYTHON=$(VENV_NODE)/bin/python $(FLEET_TOOL) up $(HOSTS)

fleet-down:
	@FLEET_NAME=$(FLEET) $(FLEET_TOOL) down

unit: venv collection
	cd $(COLLECTION_LINK) && $(VENV)/bin/python -m pytest -q tests/unit

integration: fleet collection
	$(VENV)/bin/python tests/integration/run.py --inventory $(FLEET_INVENTORY) $(TARGETS)

# ansible-test wants the collection at .../ansible_collections/fleetnet/docker and resolves links,
# so sanity runs on a copy of the files git knows about (tracked, plus new ones not ignored).
# Each ansible-core version gets its own copy: the two jobs can then run side by side.
define copy_for_sanity
	rm -rf $(CURDIR)/build/sanity-$(1) && mkdir -p $(CURDIR)/build/sanity-$(1)/ansible_collections/fleetnet/docker
	git ls-files -co --exclude-standard -z | rsync -a --from0 --files-from=- ./ $(CURDIR)/build/sanity-$(1)/ansible_collections/fleetnet/docker/
	# Inside this repo's ignored build/ ansible-test would list no files: give the copy a repo of its own.
	cd $(CURDIR)/build/sanity-$(1)/ansible_collections/fleetnet/docker && git init -q && git add -A
	# ansible-test fetches a pip bootstrap script from a host not reachable here; give it ours.
	pip_version=$$(grep -ho "pip='[0-9.]*'" $(2)/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | cut -d"'" -f2); \
	mkdir -p ~/.ansible/test/cache && cp tests/sanity/pip_bootstrap.py ~/.ansible/test/cache/get_pip_$${pip_version//./_}.py
endef

sanity: sanity-newest sanity-oldest

sanity-newest: $(VENV_SANITY)/.installed
	$(call copy_for_sanity,newest,$(VENV_SANITY))
	cd build/sanity-newest/ansible_collections/fleetnet/docker && $(VENV_SANITY)/bin/ansible-test sanity --local --requirements --python 3.12 --color no

sanity-oldest: $(VENV_OLDEST)/.installed
	$(call copy_for_sanity,oldest,$(VENV_OLDEST))
	cd build/sanity-oldest/ansible_collections/fleetnet/docker && $(VENV_OLDEST)/bin/ansible-test sanity --local --requirements --python 3.11 --color no

lint: $(VENV)/.installed collection
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/ansible-lint --profile production --offline

# The collection as users get it: build the tarball, install it from the tarball into an empty
# path, and render a module's documentation from that install.
build: $(VENV)/.installed
	rm -rf build/dist && mkdir -p build/dist
	$(VENV)/bin/ansible-galaxy collection build --force --output-path build/dist .

build-check: build
	rm -rf build/installed
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(VENV)/bin/ansible-galaxy collection install -p build/installed build/dist/fleetnet-docker-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(VENV)/bin/ansible-doc fleetnet.docker.networks_info | head -n 3
	for playbook in $(basename $(notdir $(wildcard playbooks/*.yml))); do \
	  ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(VENV)/bin/ansible-playbook --syntax-check -i localhost, fleetnet.docker.$$playbook; \
	done
	@test ! -e build/installed/ansible_collections/fleetnet/docker/.venv || { echo "build includes a virtual environment" >&2; exit 1; }

DEMO_VARS := $(CURDIR)/tests/demo/vars.yml
demo: fleet collection
	@echo "== site.yml against the sandbox fleet ($(FLEET_INVENTORY))"
	$(VENV)/bin/ansible-playbook -i $(FLEET_INVENTORY) -e @$(DEMO_VARS) playbooks/site.yml
	@echo "== site.yml again: it must report no change"
	$(VENV)/bin/ansible-playbook -i $(FLEET_INVENTORY) -e @$(DEMO_VARS) playbooks/site.yml | tee build/demo-second-run.log | tail -n 6
	@if grep -Eq 'changed=[1-9]|failed=[1-9]' build/demo-second-run.log; then echo "demo: the second run changed something" >&2; exit 1; fi
	@echo "demo: second run changed nothing"
	@echo "== containers on the macvlan network reach each other across hosts (tests/demo/check.yml)"
	$(VENV)/bin/ansible-playbook -i $(FLEET_INVENTORY) -e @$(DEMO_VARS) tests/demo/check.yml
	@echo "== the fleet report with its connectivity matrix (playbooks/report.yml)"
	$(VENV)/bin/ansible-playbook -i $(FLEET_INVENTORY) -e fleetnet_report_dir=$(CURDIR)/build/report playbooks/report.yml | tee build/demo-report.log | tail -n 14
	@echo "demo: report at $(CURDIR)/build/report/report.html"

bench: fleet collection
	$(VENV)/bin/python bench/bridge_noop.py $(FLEET_INVENTORY)

# Role scenarios (extensions/molecule/<scenario>/): each brings up a sandbox fleet of its own, named
# by FLEET_NAME in its molecule.yml, and takes it down again; check-down then proves nothing is left.
MOLECULE_SCENARIOS ?= $(notdir $(patsubst %/molecule.yml,%,$(wildcard extensions/molecule/*/molecule.yml)))
molecule: deps venv collection
	status=0; for scenario in $(MOLECULE_SCENARIOS); do \
	  fleet=$$(sed -n 's/^ *FLEET_NAME: *//p' extensions/molecule/$$scenario/molecule.yml); \
	  PATH=$(VENV)/bin:$$PATH $(VENV)/bin/molecule test -s $$scenario || status=1; \
	  FLEET_NAME=$$fleet $(FLEET_TOOL) check-down || status=1; \
	done; exit $$status

# Everything CI runs. The fleet is removed at the end, also when a step failed.
test: deps
	$(MAKE) sanity lint unit build-check
	status=0; $(MAKE) integration || status=$$?; $(MAKE) fleet-down; \
	  FLEET_NAME=$(FLEET) $(FLEET_TOOL) check-down || status=1; \
	  $(MAKE) molecule || status=1; exit $$status

clean:
	rm -rf build tests/output

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
# The oldest Docker SDK the modules support (Debian 12's), for a second run of integration targets.
VENV_NODE_OLDSDK := $(CURDIR)/.venv-node-oldsdk
# Which of the two the sandbox hosts run modules with: `make integration NODE_SDK=oldest TARGETS=...`.
NODE_SDK ?= newest
NODE_VENV = $(if $(filter oldest,$(NODE_SDK)),$(VENV_NODE_OLDSDK),$(VENV_NODE))
# galaxy-importer, antsibull-docs and antsibull-changelog (make build, build-check).
VENV_BUILD := $(CURDIR)/.venv-build

COLLECTIONS := $(CURDIR)/build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/fleetnet/docker
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/tests/ansible.cfg

HOSTS ?= 3
FLEET ?= fleet
# The Docker Engine of the fleet's hosts (tests/fleet/engines): 20.10, 26.1, 28.5 or 29.7 (built from
# the source archives in FLEET_SOURCES, default ../shared/sources), or a list,
# one per host (ENGINE=20.10,28.5,26.1). Empty: the fleet tool's default (20.10).
ENGINE ?=
FLEET_TOOL := $(CURDIR)/tests/fleet/fleet
FLEET_INVENTORY := /var/lib/fleetnet-sandbox/$(FLEET)/inventory.ini
TARGETS ?=

.PHONY: help deps venv wheelhouse collection engines fleet fleet-down demo test molecule sanity sanity-newest sanity-oldest lint unit integration integration-engines test-oldsdk bench bench-scale bench-site build build-check clean

help:
	@echo "make demo        bring up the sandbox fleet and run playbooks/site.yml on it"
	@echo "make test        everything CI runs: sanity, lint, unit and integration tests"
	@echo "make fleet       bring up HOSTS=$(HOSTS) sandbox Docker hosts (prints the inventory path); ENGINE=28.5 picks the engine"
	@echo "make fleet-down  remove the sandbox fleet and everything it made"
	@echo "make unit | sanity | lint | integration [TARGETS=name ...] | molecule | bench | bench-scale | bench-site | build"

# Debian packages the controller and the sandbox fleet need (installed only when missing).
# gcc and libc6-dev build the test network plugin (tests/plugin/), with libseccomp-dev and pkg-config Engine 29's runc
# (tests/fleet/engine_source.py); shellcheck serves ansible-test sanity;
# graphviz lays out the fleet report's diagram, chromium renders the report page in its test.
DEB_PACKAGES := docker.io openssh-server openssh-client iproute2 iptables busybox-static rsync git gcc libc6-dev libseccomp-dev pkg-config shellcheck graphviz chromium
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

$(VENV_NODE_OLDSDK)/.installed: requirements-node-oldsdk.txt
	rm -rf $(VENV_NODE_OLDSDK)
	$(PYTHON_OLDEST) -m venv $(VENV_NODE_OLDSDK)
	$(VENV_NODE_OLDSDK)/bin/pip install -q --disable-pip-version-check -r requirements-node-oldsdk.txt
	touch $@

$(VENV_BUILD)/.installed: requirements-build.txt
	rm -rf $(VENV_BUILD)
	$(PYTHON_NEWEST) -m venv $(VENV_BUILD)
	$(VENV_BUILD)/bin/pip install -q --disable-pip-version-check -r requirements-build.txt
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

# Wheels of the managed nodes' requirements and pip, for the Python the sandbox hosts run: what the
# prerequisites role installs on hosts without a package index (its prerequisites_wheelhouse).
WHEELHOUSE := $(CURDIR)/build/wheelhouse
wheelhouse: $(WHEELHOUSE)/.done
$(WHEELHOUSE)/.done: requirements.txt $(VENV_NODE)/.installed
	rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	$(VENV_NODE)/bin/pip download -q --disable-pip-version-check -d $(WHEELHOUSE) -r requirements.txt pip
	touch $@

# Playbooks and tests load the collection from this working tree through a link.
collection:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

fleet: deps venv $(NODE_VENV)/.installed
	@FLEET_NAME=$(FLEET) FLEET_ENGINE=$(ENGINE) FLEET_PYTHON=$(NODE_VENV)/bin/python $(FLEET_TOOL) up $(HOSTS)

# Every engine the fleet can run, fetched (and Engine 29 built) into the fleet tool's cache once; make
# test does it beside the checks, so that the lanes start their fleets from the cache.
engines: deps
	@for engine in $$(python3 tests/fleet/engine.py list); do python3 tests/fleet/engine.py prepare $$engine >/dev/null; done
	@echo "engines ready: $$(python3 tests/fleet/engine.py list | tr '\n' ' ')"

fleet-down:
	@FLEET_NAME=$(FLEET) $(FLEET_TOOL) down

# Line coverage of plugins/module_utils (what the unit tests reach), lines not run listed per file.
unit: venv collection
	cd $(COLLECTION_LINK) && $(VENV)/bin/python -m pytest -q tests/unit \
		--cov=plugins/module_utils --cov-report=term-missing:skip-covered

integration: fleet collection
	$(VENV)/bin/python tests/integration/run.py --inventory $(FLEET_INVENTORY) $(if $(RERUN_FAILED),--rerun-failed) $(TARGETS)

# The engines `make test` runs the integration targets on, as ENGINE[:TARGET,...] (no list: all
# targets; ENGINE:-TARGET: all but that one): see TEST_LANE_* below. Each engine gets a fleet of its
# own ($(FLEET) with the engine appended: fleet297), taken down and checked afterwards.
# ENGINES_SIDE_BY_SIDE=1 (the default) runs the fleets at the same time; empty, one after another.
# MATRIX_QUIET=1: each engine's output is printed when it is done (make test's lanes run at once).
# What CI runs, within its time. The machine's two cores stay busy throughout (every task is a module
# run on each host), so only fewer target runs make it shorter: the CI run of 962dc60 took 77 min for
# 20.10's 18 targets alone on a slow machine and did not finish within 90. Every target runs on the
# newest engine; on the older ones the targets where the engine's version decides what happens:
# - 29.7 (Docker CE's current line, built from source): every target, in two lanes (one, two).
# - 28.5 (the newest engine Debian packages, API 1.51): where 29 changed the rules: macvlan_networks
#   (a config-only network's subnets shown), endpoint_options and recreate_safety (a MAC address is not
#   honoured on connect before API 1.54), bridge_networks. The other targets passed on 28.5 in make
#   test until 29.7 took its place (aliases: proven/28.5); no rule of theirs changes from 28.5 to 29.7.
# - 20.10 (Debian 12's engine, API 1.41): the engine and safety targets: the drivers' modules,
#   recreate_safety, bad_input, network_faults, endpoint_options and bridge_gateway_modes (options
#   refused before 25.0 and 27.0), daemon_network (no `dockerd --validate`), bridge_role (not routed
#   before 27.0). The swarm_overlay and macvlan roles run there as Molecule scenarios, connection on the
#   oldest SDK's fleet. Not swarm, overlay_networks, network_plugins, macvlan_role, prerequisites_role,
#   connection, ipvlan_networks (each passed on 20.10 in make test until 962dc60: their aliases keep
#   proven/20.10), nor, as before, parent_interfaces (it talks to the kernel, never to Docker) and report.
# - 26.1 (API 1.45, between 25.0 and 27.0): bridge_gateway_modes (host_ipv6 taken, gateway modes
#   refused: neither 20.10's path nor the newer engines'), recreate_safety (interface names before
#   28.0) and endpoint_options (from 25.0 mac_address is checked, not refused: a path of its own).
#   bridge_networks, bad_input and network_faults take 20.10's or 28.5's paths there, and no rule of
#   macvlan_networks, networks_info or predefined_networks changes between 20.10 and 28.5. They and
#   the swarm targets passed on 26.1 in earlier runs of make test (aliases: proven/26.1).
# Each target's aliases list the engines it passed on (proven/ENGINE).
# Three lanes side by side, balanced by the targets' times in CI's runs: one matrix each, its
# engines one after another; lane three goes on with the oldest SDK's fleet and the Molecule
# scenarios. Together lanes one and two run every target on 29.7 (a unit test,
# tests/unit/test_make_test_lanes.py, checks it). The engines are fetched and built before the
# lanes start (make engines, beside the checks).
TEST_LANE_ONE ?= 29.7:swarm,overlay_networks,network_plugins,bridge_role,daemon_network,connection,ipvlan_networks,predefined_networks,fleet_shares,site_cost
TEST_LANE_TWO ?= 29.7:parent_interfaces,network_faults,macvlan_networks,bridge_networks,macvlan_role,prerequisites_role,bridge_gateway_modes,endpoint_options,bad_input,recreate_safety,networks_info,report \
  28.5:macvlan_networks,endpoint_options,recreate_safety,bridge_networks
TEST_LANE_THREE ?= 20.10:bridge_networks,macvlan_networks,networks_info,predefined_networks,recreate_safety,bad_input,network_faults,endpoint_options,bridge_gateway_modes,daemon_network,bridge_role \
  26.1:bridge_gateway_modes,recreate_safety,endpoint_options
# The interpreter the matrix's hosts run modules with. make test's lanes use
# tests/fleet/python-compile-once: the node venv's Python, but each file a module imports from
# AnsiballZ's zip compiles once, not twice (ping's run on a host: 1.07 -> 0.74 billion instructions),
# and every task of make test pays that on every host. By hand and everywhere else, the plain one.
MATRIX_NODE_PYTHON ?= $(VENV_NODE)/bin/python
# By hand (make integration-engines): every target on each engine, side by side.
TEST_ENGINES ?= 29.7 28.5 20.10 26.1
ENGINES_SIDE_BY_SIDE ?= 1
MATRIX_SUMMARY ?= build/integration-summary.txt
# RERUN_FAILED=1 (make test sets it): a failed target runs once more; passing then, the summaries
# list it as FLAKY with its first failure.
RERUN_FAILED ?=
integration-engines: deps venv collection
	$(VENV)/bin/python tests/integration/matrix.py --fleet $(FLEET) --hosts $(HOSTS) \
	  --python $(MATRIX_NODE_PYTHON) $(if $(ENGINES_SIDE_BY_SIDE),--side-by-side) $(if $(MATRIX_QUIET),--quiet) \
	  $(if $(RERUN_FAILED),--rerun-failed) --summary $(MATRIX_SUMMARY) $(TEST_ENGINES)

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

# The collection as users get it: the narrative docs as the RST pages a docsite reads, then the
# tarball, installed from the tarball into an empty path.
REPOSITORY_URL = $(shell sed -n 's/^repository: *//p' galaxy.yml)
build: $(VENV)/.installed $(VENV_BUILD)/.installed
	rm -rf build/dist docs/docsite/rst && mkdir -p build/dist
	$(VENV_BUILD)/bin/python docs/docsite/md_to_rst.py docs docs/docsite/rst $(REPOSITORY_URL)
	$(VENV)/bin/ansible-galaxy collection build --force --output-path build/dist .

# What Galaxy and the docsite build do with the tarball, each failing on any error:
# galaxy-importer (its ansible-test step off: galaxy-importer.cfg), antsibull-docs' linter on the
# installed copy (plugin docs, role argument specs, extra docs and their references), and a release
# of the changelog on a copy, ansible-builder reading the execution-environment requirements and making
# the build context of ee/execution-environment.yml (docs/scale.md); then
# every playbook syntax-checks from the install.
INSTALLED := $(CURDIR)/build/installed/ansible_collections/fleetnet/docker
build-check: build
	rm -rf build/installed build/importer build/release
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(VENV)/bin/ansible-galaxy collection install -p build/installed build/dist/fleetnet-docker-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(VENV)/bin/ansible-doc fleetnet.docker.networks_info | head -n 3
	mkdir -p build/importer && cd build/importer && \
	  GALAXY_IMPORTER_CONFIG=$(CURDIR)/galaxy-importer.cfg PATH=$(VENV_BUILD)/bin:$$PATH \
	  $(VENV_BUILD)/bin/python -m galaxy_importer.main $(CURDIR)/build/dist/fleetnet-docker-*.tar.gz >importer.log 2>&1 || \
	  { cat importer.log; echo "build-check: galaxy-importer rejected the tarball" >&2; exit 1; }
	@if grep -E '^(ERROR|WARNING)' build/importer/importer.log; then echo "build-check: galaxy-importer reported the above" >&2; exit 1; fi
	@echo "galaxy-importer: $$(tail -n 1 build/importer/importer.log)"
	cd $(INSTALLED) && ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed PATH=$(VENV_BUILD)/bin:$$PATH \
	  antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs --validate-collection-refs self . | tee $(CURDIR)/build/docs-lint.log
	@test ! -s build/docs-lint.log || { echo "build-check: antsibull-docs found the above" >&2; exit 1; }
	mkdir -p build/release/ansible_collections/fleetnet/docker
	git ls-files -co --exclude-standard -z | rsync -a --from0 --files-from=- ./ build/release/ansible_collections/fleetnet/docker/
	cd build/release/ansible_collections/fleetnet/docker && PATH=$(VENV)/bin:$$PATH $(VENV_BUILD)/bin/antsibull-changelog lint && \
	  PATH=$(VENV)/bin:$$PATH $(VENV_BUILD)/bin/antsibull-changelog release --version $$(sed -n 's/^version: *//p' galaxy.yml) && \
	  grep -q '^New Roles' CHANGELOG.rst && echo "changelog: release $$(sed -n 's/^version: *//p' galaxy.yml) made on a copy (build/release)"
	$(VENV_BUILD)/bin/ansible-builder introspect --sanitize build/installed | tee build/ee-dependencies.yml
	@grep -q "docker>=.*from collection fleetnet.docker" build/ee-dependencies.yml || { echo "build-check: ansible-builder finds no Python dependencies in meta/execution-environment.yml" >&2; exit 1; }
	rm -rf build/ee && mkdir -p build/ee && cp ee/execution-environment.yml ee/requirements.yml build/ee/ && \
	  cp build/dist/fleetnet-docker-*.tar.gz build/ee/fleetnet-docker.tar.gz
	cd build/ee && $(VENV_BUILD)/bin/ansible-builder create --context context
	@test -f build/ee/context/_build/collections/fleetnet-docker.tar.gz && grep -q "collection install" build/ee/context/Dockerfile || \
	  { echo "build-check: ansible-builder create made no build context that installs the collection (ee/)" >&2; exit 1; }
	for playbook in $(basename $(notdir $(wildcard playbooks/*.yml))); do \
	  ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/installed $(VENV)/bin/ansible-playbook --syntax-check -i localhost, fleetnet.docker.$$playbook; \
	done
	@test ! -e build/installed/ansible_collections/fleetnet/docker/.venv || { echo "build includes a virtual environment" >&2; exit 1; }

DEMO_VARS := $(CURDIR)/tests/demo/vars.yml
# The demo shows what users run today on the newest engine Debian packages (unless ENGINE is given):
# a fresh machine fetches it in half a minute, while Engine 29 is built from source (make demo ENGINE=29.7).
NEWEST_ENGINE = $(shell python3 tests/fleet/engine.py list --packaged | tail -n 1)
demo: ENGINE = $(NEWEST_ENGINE)
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

# bench: the same measures as bench-scale, 3 hosts x 20 networks, on the fleet FLEET (left up).
bench: fleet collection
	$(VENV)/bin/python bench/bench_scale.py $(FLEET_INVENTORY) --networks 20

# bench-scale: HOSTS x NETWORKS on a fleet of its own (FLEET, ENGINE as for make fleet), taken down
# at the end; BENCH_OPTIONS=--community adds community.docker's docker_network when it is installed.
NETWORKS ?= 100
BENCH_OPTIONS ?=
bench-scale: FLEET = scale
bench-scale: HOSTS = 30
bench-scale: deps venv $(NODE_VENV)/.installed collection
	FLEET_NAME=$(FLEET) FLEET_ENGINE=$(ENGINE) FLEET_PYTHON=$(NODE_VENV)/bin/python $(FLEET_TOOL) up $(HOSTS)
	status=0; $(VENV)/bin/python bench/bench_scale.py /var/lib/fleetnet-sandbox/$(FLEET)/inventory.ini \
	  --networks $(NETWORKS) $(BENCH_OPTIONS) || status=$$?; \
	FLEET_NAME=$(FLEET) $(FLEET_TOOL) down; exit $$status

# bench-site: a no-op fleetnet.docker.site run against one ping task, and the module round trips per
# host (bench/bench_site.py), on a fleet of its own of HOSTS hosts (ENGINE as for make demo: the newest
# packaged one), taken down at the end. Issue 28's figures: HOSTS=6 and HOSTS=30.
bench-site: FLEET = site
bench-site: HOSTS = 6
bench-site: ENGINE = $(NEWEST_ENGINE)
bench-site: deps venv $(NODE_VENV)/.installed collection
	FLEET_NAME=$(FLEET) FLEET_ENGINE=$(ENGINE) FLEET_PYTHON=$(NODE_VENV)/bin/python $(FLEET_TOOL) up $(HOSTS)
	status=0; $(VENV)/bin/python bench/bench_site.py /var/lib/fleetnet-sandbox/$(FLEET)/inventory.ini || status=$$?; \
	FLEET_NAME=$(FLEET) $(FLEET_TOOL) down; exit $$status

# Role scenarios (extensions/molecule/<scenario>/): each brings up a sandbox fleet of its own, named
# by FLEET_NAME in its molecule.yml, and takes it down again; check-down then proves nothing is left.
# own_hosts runs on the user's hosts (FLEETNET_MOLECULE_INVENTORY, docs/testing.md), not on a sandbox fleet.
MOLECULE_SCENARIOS ?= $(filter-out own_hosts,$(notdir $(patsubst %/molecule.yml,%,$(wildcard extensions/molecule/*/molecule.yml))))
molecule: deps venv collection
	mkdir -p build && : >build/molecule-summary.txt
	status=0; for scenario in $(MOLECULE_SCENARIOS); do \
	  fleet=$$(sed -n 's/^ *FLEET_NAME: *//p' extensions/molecule/$$scenario/molecule.yml); \
	  started=$$(date +%s); outcome=passed; \
	  PATH=$(VENV)/bin:$$PATH $(VENV)/bin/molecule test -s $$scenario || outcome=FAILED; \
	  FLEET_NAME=$$fleet $(FLEET_TOOL) check-down || outcome="FAILED (left traces behind)"; \
	  echo "molecule $$scenario: $$outcome in $$(( $$(date +%s) - started ))s" >>build/molecule-summary.txt; \
	  [ "$$outcome" = passed ] || status=1; \
	done; cat build/molecule-summary.txt; exit $$status

# Everything CI runs. The checks before the fleets run two at a time (each is mostly one process),
# their output kept whole. Then the three lanes side by side (TEST_LANE_* above), the third followed
# by the oldest SDK's fleet and Molecule. Every fleet is removed (and checked) also
# when a step failed. CI shows the start and the end of the output: the end repeats every summary,
# with why a target failed, and how long the checks and each lane took (build/test-times.txt: what
# the lanes are balanced by).
SUMMARIES := build/integration-summary-1.txt build/integration-summary-2.txt build/integration-summary-3.txt build/oldsdk-summary.txt build/molecule-summary.txt
# Lane one in fleet297, lane two in lane297 then lane285, lane three in flee2010 then flee261, then
# the oldest SDK's fleet and Molecule's (see TEST_LANE_* above).
LANE = $(MAKE) integration-engines ENGINES_SIDE_BY_SIDE= MATRIX_QUIET=1 MATRIX_NODE_PYTHON=$(CURDIR)/tests/fleet/python-compile-once FLEET=$(1) TEST_ENGINES="$(2)" MATRIX_SUMMARY=build/integration-summary-$(3).txt
test: export RERUN_FAILED = 1
test: deps
	mkdir -p build && rm -f build/test-times.txt
	began=$$(date +%s); $(MAKE) -j2 --output-sync=target engines sanity-newest sanity-oldest lint unit build-check && status=0 || status=$$?; \
	  echo "make test: the checks took $$(( $$(date +%s) - began ))s" >build/test-times.txt; exit $$status
	mkdir -p build && rm -f $(SUMMARIES) build/oldsdk.log
	status=0; began=$$(date +%s); \
	  ended() { echo "make test: $$1 ended $$(( $$(date +%s) - began ))s after the lanes began" >>build/test-times.txt; }; \
	  { $(call LANE,fleet,$(TEST_LANE_ONE),1) && rc=0 || rc=$$?; ended "lane one"; exit $$rc; } & one=$$!; \
	  { $(call LANE,lane,$(TEST_LANE_TWO),2) && rc=0 || rc=$$?; ended "lane two"; exit $$rc; } & two=$$!; \
	  $(call LANE,fleet,$(TEST_LANE_THREE),3) || status=1; ended "lane three's matrix"; \
	  $(MAKE) test-oldsdk || status=1; ended "lane three's oldest SDK fleet"; \
	  $(MAKE) molecule || status=1; ended "lane three (Molecule)"; \
	  wait $$one || status=1; wait $$two || status=1; \
	  echo; echo "== make test: the summaries again"; \
	  for summary in $(SUMMARIES) build/test-times.txt; do cat $$summary 2>/dev/null || echo "$$summary: missing (that step did not finish)"; done; \
	  echo "make test: $$([ $$status = 0 ] && echo passed || echo FAILED)"; exit $$status

# The oldest Docker SDK we support (5.0.3, Debian 12's) runs the connection targets on a fleet of its own.
test-oldsdk:
	mkdir -p build; status=0; $(MAKE) integration FLEET=oldsdk NODE_SDK=oldest TARGETS="connection networks_info" | tee build/oldsdk.log || status=1; \
	  $(MAKE) fleet-down FLEET=oldsdk; FLEET_NAME=oldsdk $(FLEET_TOOL) check-down || status=1; \
	  { echo "oldest Docker SDK (fleet oldsdk): $$([ $$status = 0 ] && echo passed || echo FAILED)"; \
	    grep -a -e '^[0-9]* passed, ' -e '^  [a-z_]* failed: ' build/oldsdk.log || true; } >build/oldsdk-summary.txt; \
	  exit $$status

clean:
	rm -rf build tests/output

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

.PHONY: help deps venv collection fleet fleet-down demo test sanity lint unit integration bench build clean

help:
	@echo "make demo        bring up the sandbox fleet and run playbooks/site.yml on it"
	@echo "make test        everything CI runs: sanity, lint, unit and integration tests"
	@echo "make fleet       bring up HOSTS=$(HOSTS) sandbox Docker hosts (prints the inventory path)"
	@echo "make fleet-down  remove the sandbox fleet and everything it made"
	@echo "make unit | sanity | lint | integration [TARGETS=name ...] | bench | build"

# Debian packages the controller and the sandbox fleet need (installed only when missing).
DEB_PACKAGES := docker.io openssh-server openssh-client iproute2 iptables busybox-static rsync git
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

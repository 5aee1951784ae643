# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report: its data model, problem rules and renderings. Private to this collection.

host.py runs on the managed nodes (engine_info); everything else runs on the controller, called by the
report filters, and is pure: gathered data in, plain dicts and text out.
"""

"""Workflows: push, facts and backups, upgrades, swaps and restores; each a task the fleet runner runs."""

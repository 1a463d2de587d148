"""Helpers shared by the test suite: where the real-export corpus is, a simulated fleet with every
router pinned, and an in-process transport to a simulated router."""

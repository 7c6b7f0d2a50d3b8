"""Writes that go through the rules: validated, atomic, audited, scoped to the user's bureau.

Import services from their modules: `evaluation.services.monitoring`, `.workflow`, `.plans`."""

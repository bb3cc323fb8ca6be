"""Caseload: worklist, crisis events, care team, transfers, workload."""

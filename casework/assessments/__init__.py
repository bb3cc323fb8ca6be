"""Assessments: instruments, responses, scoring and risk flags."""

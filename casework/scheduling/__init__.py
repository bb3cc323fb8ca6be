"""Scheduling: tasks, reminders, appointments, calendar feeds."""

"""Service plans: goals, objectives, interventions, discharge plan, IPE, safety plan."""

"""pygame screens: one module per state. Each draws what the flow and guidance say and returns its touch targets."""

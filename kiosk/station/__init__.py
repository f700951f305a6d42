"""The live kiosk station: the loop, the state machine and one module per state, guidance, analysis worker."""

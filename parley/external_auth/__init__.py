"""External Authentication: log people in with a JWT signed by the integrator (DESIGN §4)."""

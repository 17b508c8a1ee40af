"""The token roles the roster's views ask for."""

STAFF = ("agent", "coordinator", "doctor", "operator")
PLANNERS = ("coordinator", "operator")

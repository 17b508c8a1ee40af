"""The booking service.

Slots generated from the rota, appointments (online, phone, walk-in) without double
booking, the waiting list.
"""

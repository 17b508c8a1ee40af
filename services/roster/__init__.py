"""The roster service.

Sites, volunteer doctors, their offers, the weekly rota and its coverage gaps.
"""

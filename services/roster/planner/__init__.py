"""The rota planner: the best rota the doctors' offers allow, with OR-Tools CP-SAT.

model    the instance (sites, weeks, doctors and their offers, fixed weeks, housing)
solver   the constraint model and its objectives, in order: coverage (weighted
         towards sites left longest without a doctor), continuity, preferred
         sites, an even spread of weeks
reasons  why each open site-week stays open
greedy   the baseline: fill weeks in order with the first available doctor
"""

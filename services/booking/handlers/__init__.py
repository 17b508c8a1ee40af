"""Booking use cases: the only code that writes booking documents.

weeks          slots from roster events (confirmed, updated, released), completion from records
appointments   book, cancel, move, check in, no-show, complete
patients       find or register a patient; search for the call centre
waitlist       join, offer freed slots, accept
reminders      reminder events 48 h and 2 h before
motifs         visit reasons per site
"""

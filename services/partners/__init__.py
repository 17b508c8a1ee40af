"""The partners service.

Partner health organisations (CPTS) subscribe to Relais's public events with
their own AMQP client: each has a broker user that may only read its own
queue, and receives public events in which the patient id is replaced by a
pseudonym of its own.
"""

"""The microservice chassis every Relais service stands on.

config    typed settings from environment variables, one object per service
context   request id and event correlation id of the current unit of work
logs      JSON log lines carrying those ids
app       the service app factory (errors, request id, health, metrics)
db        each service's own MongoDB database
bus       RabbitMQ topology, confirming publisher, retrying consumer, dead letters
outbox    pending events riding in the changed document, and the relay
"""

"""The published language of Relais: the event envelope and every event type.

envelope   CloudEvents 1.0 (structured JSON): build, parse, validate
registry   EventType and Registry: one marshmallow schema and one sample per type
booking, roster, records, directory   the event types each service produces
catalog    the registry of every event type (the single list)
asyncapi   the AsyncAPI document generated from the catalog
"""

"""Events over RabbitMQ (kombu), or kombu's in-process transport in embedded mode.

topology     names and declarations: the exchange, per-service queue, retry and dead-letter queues
publisher    publisher confirms (in batches), mandatory, persistent; never silent on failure
consumer     prefetch, ack after the effect is stored, delayed retries, dead letters, reconnects
deadletters  list and replay what a service could not handle
"""

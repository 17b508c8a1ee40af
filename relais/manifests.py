"""Kubernetes manifests, generated from the list of services (written to deploy/k8s/).

Per service: a web Deployment, a worker Deployment, a Service, a
HorizontalPodAutoscaler each for web and worker, and PodDisruptionBudgets; the
gateway likewise (web only); RabbitMQ as a ``RabbitmqCluster`` (3 replicas,
quorum queues by default on the vhost, the services' user and its permissions
from a Secret, through the topology operator) and MongoDB as a ``MongoDBCommunity``
replica set of 3, managed by their operators.
"""

from __future__ import annotations

from relais.services import SERVICES

NAMESPACE = "relais"
IMAGE = "ghcr.io/relais/relais:latest"
LABELS = {"app.kubernetes.io/part-of": "relais"}


def _meta(name: str, component: str) -> dict:
    return {
        "name": name,
        "namespace": NAMESPACE,
        "labels": {
            **LABELS,
            "app.kubernetes.io/name": name,
            "app.kubernetes.io/component": component,
        },
    }


def _env(service: str) -> list[dict]:
    def secret(key: str) -> dict:
        return {"secretKeyRef": {"name": "relais-secrets", "key": key}}

    env = [
        {"name": "AMQP_URL", "valueFrom": secret("amqp-url")},
        {"name": "MONGODB_URI", "valueFrom": secret("mongodb-uri")},
        {"name": "JWT_PUBLIC_KEY", "valueFrom": secret("jwt-public-key")},
        {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/tmp/prometheus"},
    ]
    if service == "gateway":
        env.append({"name": "JWT_PRIVATE_KEY", "valueFrom": secret("jwt-private-key")})
        env.append({"name": "REDIS_URL", "valueFrom": secret("redis-url")})
        env += [
            {"name": f"GATEWAY_{s.upper()}_URL", "value": f"http://{s}-web:8000"} for s in SERVICES
        ]
    return env


def _http_probe(path: str) -> dict:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 3}


def _container(service: str, role: str) -> dict:
    container = {
        "name": role,
        "image": IMAGE,
        "args": [role, service],
        "envFrom": [{"configMapRef": {"name": "relais-config"}}],
        "env": _env(service),
        "resources": {
            "requests": {"cpu": "100m", "memory": "192Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    if role == "web":
        container["ports"] = [{"name": "http", "containerPort": 8000}]
        container["livenessProbe"] = _http_probe("/healthz")
        container["readinessProbe"] = _http_probe("/readyz")
    else:
        container["env"].append({"name": "RELAIS_HEARTBEAT_FILE", "value": "/tmp/heartbeat"})
        container["livenessProbe"] = {
            "exec": {"command": ["relais", "alive", "/tmp/heartbeat"]},
            "initialDelaySeconds": 30,
            "periodSeconds": 20,
        }
    return container


def deployment(service: str, role: str) -> dict:
    name = f"{service}-{role}"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(name, role),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": {**LABELS, "app.kubernetes.io/name": name}},
                "spec": {
                    "containers": [_container(service, role)],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                    "terminationGracePeriodSeconds": 30,
                },
            },
        },
    }


def service_object(service: str) -> dict:
    name = f"{service}-web"
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(name, "web"),
        "spec": {
            "selector": {"app.kubernetes.io/name": name},
            "ports": [{"name": "http", "port": 8000, "targetPort": "http"}],
        },
    }


def autoscaler(service: str, role: str, maximum: int) -> dict:
    name = f"{service}-{role}"
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _meta(name, role),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": maximum,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }


def disruption_budget(service: str, role: str) -> dict:
    name = f"{service}-{role}"
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _meta(name, role),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}},
    }


def core() -> dict[str, list[dict]]:
    """File name -> documents, for the objects of core Kubernetes."""
    files = {
        "namespace.yaml": [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": NAMESPACE, "labels": LABELS},
            }
        ],
        "config.yaml": [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": _meta("relais-config", "config"),
                "data": {
                    "LOG_LEVEL": "INFO",
                    "RELAIS_QUEUE_TYPE": "quorum",
                    "WEB_CONCURRENCY": "2",
                    "BIND": "0.0.0.0:8000",
                },
            }
        ],
    }
    for service in SERVICES:
        files[f"{service}.yaml"] = [
            deployment(service, "web"),
            service_object(service),
            autoscaler(service, "web", 10),
            disruption_budget(service, "web"),
            deployment(service, "worker"),
            autoscaler(service, "worker", 6),
            disruption_budget(service, "worker"),
        ]
    gateway = [
        deployment("gateway", "web"),
        service_object("gateway"),
        autoscaler("gateway", "web", 10),
        disruption_budget("gateway", "web"),
    ]
    gateway[1]["spec"]["type"] = "LoadBalancer"
    files["gateway.yaml"] = gateway
    return files


def operators() -> dict[str, list[dict]]:
    """RabbitMQ and MongoDB, as their operators' custom resources."""
    rabbit = {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "RabbitmqCluster",
        "metadata": _meta("rabbitmq", "broker"),
        "spec": {
            "replicas": 3,
            "image": "rabbitmq:3.13-management",
            "persistence": {"storage": "10Gi"},
            # no load_definitions: a blank broker that loads definitions skips its default
            # user, which the operators connect as; the topology comes from the topology
            # operator's resources below and from the workers, which declare their queues
            "rabbitmq": {"additionalConfig": "cluster_partition_handling = pause_minority\n"},
        },
    }
    vhost = {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "Vhost",
        "metadata": _meta("root", "broker"),
        "spec": {
            "name": "/",
            "defaultQueueType": "quorum",
            "rabbitmqClusterReference": {"name": "rabbitmq"},
        },
    }
    policy = {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "Policy",
        "metadata": _meta("relais-quorum", "broker"),
        "spec": {
            "name": "relais-quorum",
            "vhost": "/",
            "applyTo": "queues",
            "pattern": "^(" + "|".join(SERVICES) + ")(\\\\..*)?$",
            "definition": {"delivery-limit": 20},
            "rabbitmqClusterReference": {"name": "rabbitmq"},
        },
    }
    user = {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "User",
        "metadata": _meta("relais", "broker"),
        "spec": {
            "tags": ["administrator"],  # partners: their broker users, via the management API
            "importCredentialsSecret": {"name": "relais-rabbitmq-user"},  # username, password
            "rabbitmqClusterReference": {"name": "rabbitmq"},
        },
    }
    permission = {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "Permission",
        "metadata": _meta("relais-root", "broker"),
        "spec": {
            "vhost": "/",
            "userReference": {"name": "relais"},
            "permissions": {"configure": ".*", "write": ".*", "read": ".*"},
            "rabbitmqClusterReference": {"name": "rabbitmq"},
        },
    }
    mongo = {
        "apiVersion": "mongodbcommunity.mongodb.com/v1",
        "kind": "MongoDBCommunity",
        "metadata": _meta("mongodb", "database"),
        "spec": {
            "members": 3,
            "type": "ReplicaSet",
            "version": "7.0.14",
            "security": {"authentication": {"modes": ["SCRAM"]}},
            "users": [
                {
                    "name": "relais",
                    "db": "admin",
                    "passwordSecretRef": {"name": "relais-mongodb-password"},
                    "roles": [{"name": "readWriteAnyDatabase", "db": "admin"}],
                    "scramCredentialsSecretName": "relais-scram",
                }
            ],
        },
    }
    return {"rabbitmq.yaml": [rabbit, vhost, policy, user, permission], "mongodb.yaml": [mongo]}

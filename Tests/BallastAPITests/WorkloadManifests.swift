/// The example manifests of shared/examples, as JSON (kubectl sends JSON), so tests do not
/// read files outside the package.
enum WorkloadManifests {
    /// pod-gitrepo.yaml
    static let podGitRepo = #"""
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "gitrepo-volume-pod"
  },
  "spec": {
    "containers": [
      {
        "name": "web-server",
        "image": "nginx:alpine",
        "volumeMounts": [
          {
            "name": "html",
            "mountPath": "/usr/share/nginx/html",
            "readOnly": true
          }
        ],
        "ports": [
          {
            "containerPort": 80,
            "protocol": "TCP"
          }
        ]
      }
    ],
    "volumes": [
      {
        "name": "html",
        "gitRepo": {
          "repository": "http://127.0.0.1:9418/website.git",
          "revision": "master",
          "directory": "."
        }
      }
    ]
  }
}
"""#

    /// pod-hostpath.yaml
    static let podHostPath = #"""
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "hostpath"
  },
  "spec": {
    "containers": [
      {
        "name": "redis",
        "image": "redis",
        "volumeMounts": [
          {
            "name": "node-tmp",
            "mountPath": "/data/shared"
          }
        ]
      }
    ],
    "volumes": [
      {
        "name": "node-tmp",
        "hostPath": {
          "path": "/tmp",
          "type": "Directory"
        }
      }
    ]
  }
}
"""#

    /// pod-memory-emptydir.yaml
    static let podMemoryEmptyDir = #"""
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "scratch-in-memory"
  },
  "spec": {
    "containers": [
      {
        "name": "worker",
        "image": "busybox",
        "command": [
          "sh",
          "-c",
          "dd if=/dev/zero of=/scratch/fill bs=1M count=80; sleep 3600"
        ],
        "volumeMounts": [
          {
            "name": "scratch",
            "mountPath": "/scratch"
          }
        ]
      }
    ],
    "volumes": [
      {
        "name": "scratch",
        "emptyDir": {
          "medium": "Memory",
          "sizeLimit": "64Mi"
        }
      }
    ]
  }
}
"""#

    /// pod-shared-emptydir.yaml
    static let podSharedEmptyDir = #"""
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "shared-volumes"
  },
  "spec": {
    "containers": [
      {
        "name": "redis",
        "image": "redis",
        "volumeMounts": [
          {
            "name": "shared-storage",
            "mountPath": "/data/shared"
          }
        ]
      },
      {
        "name": "nginx",
        "image": "nginx",
        "volumeMounts": [
          {
            "name": "shared-storage",
            "mountPath": "/data/shared"
          }
        ]
      }
    ],
    "volumes": [
      {
        "name": "shared-storage",
        "emptyDir": {}
      }
    ]
  }
}
"""#

    /// deployment-nginx.yaml
    static let deploymentNginx = #"""
{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "nginx-deploy",
    "labels": {
      "app": "nginx"
    }
  },
  "spec": {
    "replicas": 2,
    "selector": {
      "matchLabels": {
        "app": "nginx"
      }
    },
    "template": {
      "metadata": {
        "labels": {
          "app": "nginx"
        }
      },
      "spec": {
        "containers": [
          {
            "name": "nginx",
            "image": "nginx:latest",
            "ports": [
              {
                "containerPort": 80
              }
            ]
          }
        ]
      }
    }
  }
}
"""#

    /// replicaset.yaml
    static let replicaSet = #"""
{
  "apiVersion": "apps/v1",
  "kind": "ReplicaSet",
  "metadata": {
    "name": "3-replicaset"
  },
  "spec": {
    "replicas": 3,
    "selector": {
      "matchLabels": {
        "app": "3-replicaset"
      }
    },
    "template": {
      "metadata": {
        "labels": {
          "app": "3-replicaset"
        }
      },
      "spec": {
        "containers": [
          {
            "name": "web",
            "image": "nginx",
            "ports": [
              {
                "containerPort": 80
              }
            ]
          }
        ]
      }
    }
  }
}
"""#

    /// statefulset-postgres.yaml
    static let statefulSetPostgres = #"""
{
  "apiVersion": "apps/v1",
  "kind": "StatefulSet",
  "metadata": {
    "name": "pg"
  },
  "spec": {
    "serviceName": "pg",
    "replicas": 2,
    "selector": {
      "matchLabels": {
        "app": "pg"
      }
    },
    "template": {
      "metadata": {
        "labels": {
          "app": "pg"
        }
      },
      "spec": {
        "containers": [
          {
            "name": "postgres",
            "image": "postgres:15",
            "env": [
              {
                "name": "POSTGRES_PASSWORD",
                "value": "example"
              },
              {
                "name": "PGDATA",
                "value": "/var/lib/postgresql/data/pgdata"
              }
            ],
            "volumeMounts": [
              {
                "name": "data",
                "mountPath": "/var/lib/postgresql/data"
              }
            ]
          }
        ]
      }
    },
    "volumeClaimTemplates": [
      {
        "metadata": {
          "name": "data"
        },
        "spec": {
          "accessModes": [
            "ReadWriteOnce"
          ],
          "storageClassName": "local-lvm",
          "resources": {
            "requests": {
              "storage": "1Gi"
            }
          }
        }
      }
    ]
  }
}
"""#

    /// daemonset.yaml
    static let daemonSet = #"""
{
  "apiVersion": "apps/v1",
  "kind": "DaemonSet",
  "metadata": {
    "name": "node-exporter"
  },
  "spec": {
    "selector": {
      "matchLabels": {
        "tier": "monitoring",
        "name": "node-exporter"
      }
    },
    "template": {
      "metadata": {
        "labels": {
          "tier": "monitoring",
          "name": "node-exporter"
        }
      },
      "spec": {
        "containers": [
          {
            "name": "exporter",
            "image": "prom/node-exporter",
            "ports": [
              {
                "containerPort": 9100
              }
            ]
          }
        ]
      }
    }
  }
}
"""#

    /// job-pi.yaml
    static let jobPi = #"""
{
  "apiVersion": "batch/v1",
  "kind": "Job",
  "metadata": {
    "name": "pi"
  },
  "spec": {
    "completions": 5,
    "parallelism": 2,
    "backoffLimit": 4,
    "template": {
      "spec": {
        "containers": [
          {
            "name": "pi",
            "image": "perl",
            "command": [
              "perl",
              "-Mbignum=bpi",
              "-wle",
              "print bpi(200)"
            ]
          }
        ],
        "restartPolicy": "Never"
      }
    }
  }
}
"""#

    /// cronjob.yaml
    static let cronJob = #"""
{
  "apiVersion": "batch/v1",
  "kind": "CronJob",
  "metadata": {
    "name": "hello"
  },
  "spec": {
    "schedule": "*/1 * * * *",
    "jobTemplate": {
      "spec": {
        "template": {
          "spec": {
            "containers": [
              {
                "name": "hello",
                "image": "busybox",
                "imagePullPolicy": "IfNotPresent",
                "command": [
                  "/bin/sh",
                  "-c",
                  "date; echo Hello from the cluster"
                ]
              }
            ],
            "restartPolicy": "OnFailure"
          }
        }
      }
    }
  }
}
"""#
}

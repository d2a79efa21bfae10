# Allow Agora's Notifications (NCS) webhook senders to reach the pods that receive the webhooks,
# with a Kubernetes NetworkPolicy.
#
# The policy selects the pods labelled var.pod_labels in var.namespace and allows ingress to
# var.port/TCP from one ip_block per Agora CIDR block (IPv4 and IPv6). Selecting the pods also
# isolates them: any other traffic they need must be allowed by a policy of its own. It only
# works where the pods see Agora's own addresses (see README.md) and the cluster's network
# plugin enforces NetworkPolicy.
#
# Run it on a schedule (at least every 24 hours, as Agora asks). Credentials for Agora come from
# AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, for the cluster from a kubeconfig.

terraform {
  required_version = ">= 1.5"

  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.0"
    }
  }
}

provider "agora" {}

provider "kubernetes" {
  config_path    = var.kubeconfig_path # null: KUBE_CONFIG_PATH
  config_context = var.kubeconfig_context
}

data "agora_ncs_ips" "ncs" {
  # Merge adjacent addresses into the fewest CIDR blocks covering exactly the same addresses:
  # fewer peers in the policy.
  aggregate = true
  # An answer with fewer addresses than this fails the run instead of shrinking the allow-list.
  min_count = var.min_count
}

resource "kubernetes_network_policy" "agora_ncs" {
  metadata {
    name      = var.name
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/managed-by" = "terraform"
    }
    annotations = {
      "agora.io/ncs-fingerprint" = data.agora_ncs_ips.ncs.fingerprint
    }
  }

  spec {
    pod_selector {
      match_labels = var.pod_labels
    }

    policy_types = ["Ingress"]

    ingress {
      ports {
        port     = tostring(var.port)
        protocol = "TCP"
      }

      dynamic "from" {
        for_each = concat(data.agora_ncs_ips.ncs.cidr_blocks, data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
        content {
          ip_block {
            cidr = from.value
          }
        }
      }
    }
  }
}

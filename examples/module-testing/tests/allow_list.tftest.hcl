# `terraform test` for this module without credentials or network: Terraform 1.7+ replaces the
# agora provider with a mock, or overrides the one data source, so nothing reaches Agora.

# 1. A mocked provider: Terraform serves the data source from these values and never starts the
#    agora provider's read. Attributes not given here get generated placeholder values.
mock_provider "agora" {
  alias = "fake"

  mock_data "agora_ncs_ips" {
    defaults = {
      cidr_blocks      = ["198.51.100.0/31", "203.0.113.10/32"]
      ipv6_cidr_blocks = ["2001:db8::20/128"]
      fingerprint      = "sha256:0000000000000000000000000000000000000000000000000000000000000001"
    }
  }
}

run "mocked_provider_renders_the_allow_list" {
  command = plan

  providers = {
    agora = agora.fake
  }

  assert {
    condition     = output.nginx_allow == "allow 198.51.100.0/31;\nallow 203.0.113.10/32;\nallow 2001:db8::20/128;\ndeny all;"
    error_message = "nginx_allow should list every CIDR block, IPv4 first, then deny all."
  }

  assert {
    condition     = output.cidr_count == 3
    error_message = "cidr_count should count IPv4 and IPv6 blocks."
  }
}

# 2. The real provider, with only the data source overridden: the provider is configured as in
#    production (no credentials needed until a read), but the read itself is replaced.
run "overridden_data_source_with_the_real_provider" {
  command = plan

  override_data {
    target = data.agora_ncs_ips.ncs
    values = {
      cidr_blocks      = ["192.0.2.0/24"]
      ipv6_cidr_blocks = []
      fingerprint      = "sha256:0000000000000000000000000000000000000000000000000000000000000002"
    }
  }

  assert {
    condition     = output.nginx_allow == "allow 192.0.2.0/24;\ndeny all;"
    error_message = "An IPv4-only list gives one allow line and deny all."
  }

  assert {
    condition     = output.fingerprint == "sha256:0000000000000000000000000000000000000000000000000000000000000002"
    error_message = "The fingerprint passes through unchanged."
  }
}

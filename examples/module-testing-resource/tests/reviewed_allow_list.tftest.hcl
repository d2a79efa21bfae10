# `terraform test` for this module without credentials or network (Terraform 1.7+).
#
# Two things make a resource with computed attributes testable with mocks, and both are
# Terraform's mock behaviour, not the provider's (README.md explains):
# - `count` over a computed attribute needs its value at plan time: `override_during = plan`;
# - with `command = apply`, Terraform plans the mocked resource twice and generates every string
#   attribute not given anew each time ("Provider produced inconsistent final plan"): give every
#   computed string a value. For agora_ncs_ip_set those are the arguments it fills in when the
#   configuration leaves them out (service, on_fetch_error, grace_period, max_staleness) and id,
#   fingerprint, changed_at and last_read_at. Numbers, bools, lists and maps are generated as
#   zero, false or empty, the same each time.

mock_provider "agora" {
  alias = "fake"

  mock_resource "agora_ncs_ip_set" {
    override_during = plan
    defaults = {
      # Valid values for the schema: what the provider itself would put in state.
      service        = "rtc"
      on_fetch_error = "keep"
      grace_period   = "0s"
      max_staleness  = "24h"
      id             = "rtc"
      fingerprint    = "sha256:0000000000000000000000000000000000000000000000000000000000000001"
      changed_at     = "2026-01-01T00:00:00Z"
      last_read_at   = "2026-01-02T00:00:00Z"
      # What the test is about.
      cidr_block_chunks = [
        ["192.0.2.1/32", "192.0.2.2/32"],
        ["198.51.100.7/32"],
      ]
    }
  }
}

run "a_rule_set_per_chunk_when_planned" {
  command = plan

  providers = {
    agora = agora.fake
  }

  variables {
    chunk_size = 2
  }

  assert {
    condition     = length(terraform_data.rule_set) == 2
    error_message = "Two chunks give two rule sets."
  }

  assert {
    condition     = terraform_data.rule_set[1].input.cidr_blocks == tolist(["198.51.100.7/32"])
    error_message = "The second rule set holds the second chunk."
  }
}

run "a_rule_set_per_chunk_when_applied" {
  command = apply

  providers = {
    agora = agora.fake
  }

  variables {
    chunk_size = 2
  }

  assert {
    condition     = jsonencode(output.rule_sets[0]) == jsonencode({ cidr_blocks = ["192.0.2.1/32", "192.0.2.2/32"], name = "agora-ncs-0" })
    error_message = "The first rule set is named for its chunk and holds its blocks."
  }

  assert {
    condition     = output.last_read_at == "2026-01-02T00:00:00Z"
    error_message = "last_read_at passes through."
  }
}

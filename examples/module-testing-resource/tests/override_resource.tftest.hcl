# `terraform test` with the real agora provider and only the resource overridden (Terraform 1.7+):
# its own file, so its own state. The same rule about string attributes holds as for the mock in
# reviewed_allow_list.tftest.hcl: with command = apply, give every computed string a value.

run "the_real_provider_with_the_resource_overridden" {
  command = apply

  override_resource {
    target          = agora_ncs_ip_set.ncs
    override_during = plan
    values = {
      service           = "rtc"
      on_fetch_error    = "keep"
      grace_period      = "0s"
      max_staleness     = "24h"
      id                = "rtc"
      fingerprint       = "sha256:0000000000000000000000000000000000000000000000000000000000000002"
      changed_at        = "2026-01-01T00:00:00Z"
      last_read_at      = "2026-01-03T00:00:00Z"
      cidr_block_chunks = [["203.0.113.0/24"]]
    }
  }

  assert {
    condition     = length(output.rule_sets) == 1 && output.rule_sets[0].cidr_blocks == tolist(["203.0.113.0/24"])
    error_message = "One chunk gives one rule set."
  }
}

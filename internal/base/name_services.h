// Name lookups (host names, groups, services) for a statically linked binary.
#pragma once

namespace base {

// glibc would otherwise follow the machine's /etc/nsswitch.conf, and for any source other than
// `files` and `dns` (systemd's `resolve` and `myhostname`, `sss`, `ldap`, ...) load that source's
// shared module, built against the machine's glibc, into this process with its own glibc linked
// in: at best a failed load, at worst a crash. This limits every database the provider and its
// libraries use to the sources built into the static C library: /etc/hosts then DNS through
// /etc/resolv.conf for host names, the files in /etc for the rest. Go programs built without cgo,
// Terraform among them, resolve names the same way.
//
// Call once from main() before any thread starts. Not thread-safe; lookups of other databases
// then find nothing.
void UseBuiltInNameServices();

}  // namespace base

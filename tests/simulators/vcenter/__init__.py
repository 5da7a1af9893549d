"""vCenter simulator (vcsim-ld, Go, extends govmomi vcsim): harness, pyVmomi helpers and tests; see README.md."""

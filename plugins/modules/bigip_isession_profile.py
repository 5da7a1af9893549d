#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bigip_isession_profile
short_description: Manage BIG-IP iSession profiles (WAN optimization)
version_added: 0.1.0
description:
  - Create, update or delete an iSession profile (C(wom profile isession)), the profile that tells
    the BIG-IP how to optimize traffic through the iSession tunnel between two data centers.
  - For vMotion the deployment guide creates C(vmotion-isession) with parent C(isession) and
    deduplication and connection reuse disabled, every other setting inherited.
  - Options left unset (V(null)) are not managed; on creation the device inherits them from the parent profile.
author:
  - longdistance.vmotion contributors (!UNKNOWN)
options:
  parent:
    description:
      - Parent profile the settings are inherited from, by name or full path. Only used on creation
        (changing the parent of an existing profile fails with a clear message).
      - The device uses C(/Common/isession) when unset.
    type: str
  mode:
    description: Whether iSession optimization is on.
    type: bool
  deduplication:
    description: Symmetric data deduplication. The guide disables it for vMotion.
    type: bool
  reuse_connection:
    description: Reuse of iSession connections. The guide disables it for vMotion.
    type: bool
  target_virtual:
    description: Which virtual server on the remote endpoint takes the traffic.
    type: str
    choices: [virtual-match-all, virtual-match-one]
  port_transparency:
    description: Keep the original destination port across the tunnel.
    type: bool
  compression:
    description: Compression as a whole.
    type: bool
  adaptive_compression:
    description: Let the device pick the codec by throughput.
    type: bool
  compression_codecs:
    description:
      - Codecs the device may use, any of V(deflate), V(lzo), V(bzip2) (an empty list leaves only
        the null codec, which the GUI shows as C(Null)). Order does not matter.
    type: list
    elements: str
    choices: [deflate, lzo, bzip2]
  deflate_level:
    description: Deflate compression level, 1 (fastest) to 9 (smallest).
    type: int
  data_encryption:
    description: Encrypt the data sent through the tunnel (the parent C(isession-encrypt) turns this on).
    type: bool
extends_documentation_fragment:
  - longdistance.vmotion.bigip
  - longdistance.vmotion.bigip_object
  - longdistance.vmotion.attributes
  - longdistance.vmotion.attributes.action_group_bigip
"""

EXAMPLES = r"""
- name: Create the vMotion iSession profile from the deployment guide
  longdistance.vmotion.bigip_isession_profile:
    name: vmotion-isession
    parent: isession
    deduplication: false
    reuse_connection: false
  module_defaults:
    group/longdistance.vmotion.bigip:
      server: "{{ bigip_server }}"
      user: "{{ bigip_user }}"
      password: "{{ bigip_password }}"

- name: Remove it
  longdistance.vmotion.bigip_isession_profile:
    name: vmotion-isession
    state: absent
"""

RETURN = r"""
profile:
  description: The managed settings of the profile after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  sample:
    parent: /Common/isession
    deduplication: false
    reuse_connection: false
    compression_codecs: [deflate, lzo, bzip2]
diff:
  description: Managed settings before and after, with O(ignore:--diff).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner, wom
from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.names import flag, full_path
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

FIELDS = [
    Field("parent", "defaultsFrom", normalize=full_path, create_only=True),
    Field("mode", "mode", **flag()),
    Field("deduplication", "deduplication", **flag()),
    Field("reuse_connection", "reuseConnection", **flag()),
    Field("target_virtual", "targetVirtual"),
    Field("port_transparency", "portTransparency", **flag()),
    Field("compression", "compression", **flag()),
    Field("adaptive_compression", "adaptiveCompression", **flag()),
    Field("compression_codecs", "compressionCodecs", compare="set", from_api=lambda codecs: list(codecs or [])),
    Field("deflate_level", "deflateCompressionLevel"),
    Field("data_encryption", "dataEncryption", **flag()),
]

OPTIONS = dict(
    parent=dict(type="str"),
    mode=dict(type="bool"),
    deduplication=dict(type="bool"),
    reuse_connection=dict(type="bool"),
    target_virtual=dict(type="str", choices=["virtual-match-all", "virtual-match-one"]),
    port_transparency=dict(type="bool"),
    compression=dict(type="bool"),
    adaptive_compression=dict(type="bool"),
    compression_codecs=dict(type="list", elements="str", choices=["deflate", "lzo", "bzip2"]),
    deflate_level=dict(type="int"),
    data_encryption=dict(type="bool"),
)


def validate(params, client=None):
    if params["deflate_level"] is not None and not 1 <= params["deflate_level"] <= 9:
        raise ValidationError("iSession profile %s: deflate_level must be between 1 and 9, got %s"
                              % (params["name"], params["deflate_level"]))


PROFILE = runner.RestObject(wom.ISESSION_PROFILE_PATH, "iSession profile", FIELDS, result_key="profile", prepare=validate)


def main():
    runner.run(PROFILE, OPTIONS)


if __name__ == "__main__":
    main()

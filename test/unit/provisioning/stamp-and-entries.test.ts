import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryWithKernelArg } from '../../../electron/core/provision/boot-entries';
import { stampKernelArgs, stampWithConfigUrl } from '../../../electron/core/provision/firstboot-stamp';
import { mergeRanges } from '../../../electron/core/provision/block-io';

const FEDORA_STAMP = "set ignition_network_kcmdline='systemd.firstboot=off systemd.condition-first-boot=true'\n";

describe('ignition.firstboot stamp', () => {
  it('reads the kernel arguments Fedora’s stamp sets', () => {
    assert.deepEqual(stampKernelArgs(FEDORA_STAMP), ['systemd.firstboot=off', 'systemd.condition-first-boot=true']);
    assert.deepEqual(stampKernelArgs('set ignition_network_kcmdline="a b"\nset ignition_network_kcmdline="c"\n'), ['c']);
    assert.deepEqual(stampKernelArgs(''), []);
  });

  it('adds ignition.config.url and keeps the image’s arguments (once, even when run twice)', () => {
    const once = stampWithConfigUrl(FEDORA_STAMP, 'https://cfg.example/a.ign');
    assert.equal(once, "set ignition_network_kcmdline='systemd.firstboot=off systemd.condition-first-boot=true ignition.config.url=https://cfg.example/a.ign'\n");
    assert.equal(stampWithConfigUrl(once, 'https://cfg.example/b.ign').match(/ignition\.config\.url=/g)!.length, 1);
  });
});

describe('boot entries', () => {
  const entry = 'title Fedora\nlinux /vmlinuz\noptions root=UUID=x ostree=/ostree/boot.1/a/0 ignition.platform.id=metal $ignition_firstboot\n';

  it('appends zezere.url to the options line, replacing an older one', () => {
    const once = entryWithKernelArg(entry, 'zezere.url', 'https://z.example/');
    assert.match(once, /^options root=UUID=x ostree=\/ostree\/boot.1\/a\/0 ignition.platform.id=metal \$ignition_firstboot zezere.url=https:\/\/z.example\/$/m);
    const twice = entryWithKernelArg(once, 'zezere.url', 'https://y.example/');
    assert.equal(twice.match(/zezere\.url=/g)!.length, 1);
    assert.match(twice, /zezere.url=https:\/\/y.example\//);
    assert.match(twice, /^title Fedora\nlinux \/vmlinuz\n/);
  });
});

describe('mergeRanges', () => {
  it('sorts and joins touching or overlapping ranges', () => {
    assert.deepEqual(mergeRanges([{ offset: 4096, length: 1024 }, { offset: 0, length: 512 }, { offset: 512, length: 100 }, { offset: 4500, length: 1000 }, { offset: 9000, length: 0 }]),
      [{ offset: 0, length: 612 }, { offset: 4096, length: 1404 }]);
  });
});

/**
 * The zoo's real networks, layer by layer as their papers give them (224 x 224 x 3 inputs, batch 1):
 * MobileNet v1 (Howard et al. 2017, Table 1, alpha 1.0), MobileNet v2 (Sandler et al. 2018,
 * Table 2), ResNet-18 (He et al. 2016, Table 1), and a small CNN for quick tests.
 */
import { type Topology, TopologyBuilder } from './topology.js';

export const ZOO_NAMES = ['mobilenet_v1', 'mobilenet_v2', 'resnet18', 'small_cnn'] as const;
export type ZooName = (typeof ZOO_NAMES)[number];

/** The common head: global average pooling, flatten, a fully connected classifier. */
function classifier(net: TopologyBuilder, features: string, classes: number): Topology {
  const pooled = net.globalAvgPool('avgpool', features);
  return net.build(net.fullyConnected('fc', net.flatten('flatten', pooled), classes));
}

function mobilenetV1(): Topology {
  const net = new TopologyBuilder('mobilenet_v1', 'input', [1, 224, 224, 3]);
  let x = net.conv('conv1', 'input', 32, 3, 2, 'relu6');
  // (output channels of the pointwise conv, stride of the depthwise conv); Table 1 lists the
  // 13th depthwise layer as stride 2 on a 7x7 input, a known typo: it keeps 7x7, so stride 1.
  const blocks: Array<[number, number]> = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  blocks.forEach(([channels, stride], index) => {
    x = net.depthwise(`block${index + 1}_dw`, x, 3, stride, 'relu6');
    x = net.conv(`block${index + 1}_pw`, x, channels, 1, 1, 'relu6');
  });
  return classifier(net, x, 1000);
}

function mobilenetV2(): Topology {
  const net = new TopologyBuilder('mobilenet_v2', 'input', [1, 224, 224, 3]);
  let x = net.conv('conv1', 'input', 32, 3, 2, 'relu6');
  // Table 2: expansion t, output channels c, repeats n, first stride s.
  const settings: Array<[number, number, number, number]> = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  let block = 0;
  for (const [expansion, channels, repeats, firstStride] of settings) {
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      block += 1;
      const stride = repeat === 0 ? firstStride : 1;
      const inChannels = net.shape(x)[3] ?? 1;
      const blockInput = x;
      let y = x;
      if (expansion !== 1) y = net.conv(`block${block}_expand`, y, inChannels * expansion, 1, 1, 'relu6');
      y = net.depthwise(`block${block}_dw`, y, 3, stride, 'relu6');
      y = net.conv(`block${block}_project`, y, channels, 1, 1, 'none');
      x = stride === 1 && inChannels === channels ? net.add(`block${block}_add`, blockInput, y, 'none') : y;
    }
  }
  x = net.conv('conv_last', x, 1280, 1, 1, 'relu6');
  return classifier(net, x, 1000);
}

const PAD1 = { top: 1, left: 1, bottom: 1, right: 1 };
const PAD3 = { top: 3, left: 3, bottom: 3, right: 3 };

function resnet18(): Topology {
  const net = new TopologyBuilder('resnet18', 'input', [1, 224, 224, 3]);
  let x = net.conv('conv1', 'input', 64, 7, 2, 'relu', PAD3);
  x = net.pool('maxPool', 'maxpool', x, 3, 2, PAD1);
  const stages: Array<[number, number]> = [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ];
  stages.forEach(([channels, firstStride], stageIndex) => {
    for (let block = 0; block < 2; block += 1) {
      const prefix = `layer${stageIndex + 1}.${block}`;
      const stride = block === 0 ? firstStride : 1;
      let y = net.conv(`${prefix}.conv1`, x, channels, 3, stride, 'relu', PAD1);
      y = net.conv(`${prefix}.conv2`, y, channels, 3, 1, 'none', PAD1);
      const shortcut =
        stride !== 1 || (net.shape(x)[3] ?? 0) !== channels ? net.conv(`${prefix}.downsample`, x, channels, 1, stride, 'none', 'valid') : x;
      x = net.add(`${prefix}.add`, y, shortcut, 'relu');
    }
  });
  return classifier(net, x, 1000);
}

function smallCnn(): Topology {
  const net = new TopologyBuilder('small_cnn', 'input', [1, 32, 32, 3]);
  let x = net.conv('conv1', 'input', 16, 3, 1, 'relu');
  x = net.pool('maxPool', 'pool1', x, 2, 2, 'valid');
  let y = net.depthwise('dw2', x, 3, 1, 'relu');
  y = net.conv('pw2', y, 16, 1, 1, 'none');
  x = net.add('add2', x, y, 'relu');
  x = net.pool('avgPool', 'pool2', x, 2, 2, 'valid');
  x = net.conv('conv3', x, 32, 1, 1, 'relu6');
  return classifier(net, x, 10);
}

export function zooTopology(name: ZooName): Topology {
  switch (name) {
    case 'mobilenet_v1':
      return mobilenetV1();
    case 'mobilenet_v2':
      return mobilenetV2();
    case 'resnet18':
      return resnet18();
    case 'small_cnn':
      return smallCnn();
  }
}

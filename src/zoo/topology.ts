/**
 * Network topologies with their papers' layer shapes, written as a list of layers in NHWC. The
 * builder tracks shapes so every layer's output follows from its input, stride and padding.
 */
import { windowedOutput } from '../graph/shapes.js';

export type Activation = 'none' | 'relu' | 'relu6';
export type Padding = 'same' | 'valid' | { top: number; left: number; bottom: number; right: number };

export type Layer =
  | {
      kind: 'conv';
      name: string;
      input: string;
      output: string;
      filters: number;
      kernel: [number, number];
      stride: [number, number];
      padding: Padding;
      activation: Activation;
      depthwise: boolean;
    }
  | { kind: 'fc'; name: string; input: string; output: string; outputs: number; activation: Activation }
  | { kind: 'add'; name: string; inputs: [string, string]; output: string; activation: Activation }
  | {
      kind: 'maxPool' | 'avgPool';
      name: string;
      input: string;
      output: string;
      filter: [number, number];
      stride: [number, number];
      padding: Padding;
    }
  | { kind: 'globalAvgPool' | 'flatten'; name: string; input: string; output: string };

export interface Topology {
  readonly name: string;
  readonly input: string;
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly layers: readonly Layer[];
  readonly output: string;
}

export class TopologyBuilder {
  private readonly shapes = new Map<string, number[]>();
  private readonly layers: Layer[] = [];

  constructor(
    private readonly name: string,
    private readonly inputName: string,
    inputShape: number[],
  ) {
    this.shapes.set(inputName, inputShape);
  }

  shape(tensor: string): number[] {
    const shape = this.shapes.get(tensor);
    if (shape === undefined) throw new Error(`unknown tensor ${tensor}`);
    return shape;
  }

  private spatial(input: string, kernel: [number, number], stride: [number, number], padding: Padding): [number, number] {
    const [, height = 1, width = 1] = this.shape(input);
    const window = windowedOutput(height, width, kernel, stride, [1, 1], padding);
    return [window.height, window.width];
  }

  conv(
    name: string,
    input: string,
    filters: number,
    kernel: number,
    stride: number,
    activation: Activation,
    padding: Padding = 'same',
  ): string {
    const output = `${name}.out`;
    const [height, width] = this.spatial(input, [kernel, kernel], [stride, stride], padding);
    this.shapes.set(output, [1, height, width, filters]);
    this.layers.push({
      kind: 'conv',
      name,
      input,
      output,
      filters,
      kernel: [kernel, kernel],
      stride: [stride, stride],
      padding,
      activation,
      depthwise: false,
    });
    return output;
  }

  depthwise(name: string, input: string, kernel: number, stride: number, activation: Activation): string {
    const output = `${name}.out`;
    const channels = this.shape(input)[3] ?? 1;
    const [height, width] = this.spatial(input, [kernel, kernel], [stride, stride], 'same');
    this.shapes.set(output, [1, height, width, channels]);
    this.layers.push({
      kind: 'conv',
      name,
      input,
      output,
      filters: channels,
      kernel: [kernel, kernel],
      stride: [stride, stride],
      padding: 'same',
      activation,
      depthwise: true,
    });
    return output;
  }

  fullyConnected(name: string, input: string, outputs: number, activation: Activation = 'none'): string {
    const output = `${name}.out`;
    this.shapes.set(output, [1, outputs]);
    this.layers.push({ kind: 'fc', name, input, output, outputs, activation });
    return output;
  }

  add(name: string, a: string, b: string, activation: Activation): string {
    const output = `${name}.out`;
    this.shapes.set(output, [...this.shape(a)]);
    this.layers.push({ kind: 'add', name, inputs: [a, b], output, activation });
    return output;
  }

  pool(kind: 'maxPool' | 'avgPool', name: string, input: string, filter: number, stride: number, padding: Padding): string {
    const output = `${name}.out`;
    const [height, width] = this.spatial(input, [filter, filter], [stride, stride], padding);
    this.shapes.set(output, [1, height, width, this.shape(input)[3] ?? 1]);
    this.layers.push({ kind, name, input, output, filter: [filter, filter], stride: [stride, stride], padding });
    return output;
  }

  globalAvgPool(name: string, input: string): string {
    const output = `${name}.out`;
    this.shapes.set(output, [1, 1, 1, this.shape(input)[3] ?? 1]);
    this.layers.push({ kind: 'globalAvgPool', name, input, output });
    return output;
  }

  flatten(name: string, input: string): string {
    const output = `${name}.out`;
    const shape = this.shape(input);
    this.shapes.set(output, [shape[0] ?? 1, shape.slice(1).reduce((a, b) => a * b, 1)]);
    this.layers.push({ kind: 'flatten', name, input, output });
    return output;
  }

  build(output: string): Topology {
    return { name: this.name, input: this.inputName, shapes: this.shapes, layers: this.layers, output };
  }
}

/** Where a layer is, for messages: the graph file and the op's JSON path. */
export interface LayerSite {
  readonly graphFile: string;
  readonly path: string;
}

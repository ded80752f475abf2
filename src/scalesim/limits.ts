/**
 * The bounds of npusim's SCALE-Sim model (docs/scalesim.md, "Limits"). Within them every count the
 * reports hold is an exact integer (below 2^53) and a layer's working memory is bounded; beyond
 * them an input is refused up front, naming the value, instead of crashing or printing a rounded
 * number.
 */

/** SCALE-Sim keeps addresses in int32 ('>i4' numpy arrays); larger operands would wrap there. */
export const MAX_OPERAND_WORDS = 2 ** 31 - 1;

/**
 * ArrayHeight and ArrayWidth: R x C stays below 2^40, so every product of the model with a fold
 * count or a window is exact, and a demand row (R or C entries) is a few megabytes at most.
 * Far beyond any built array (TPUs are 128 or 256 a side).
 */
export const MAX_ARRAY_SIDE = 2 ** 20;

/** The other integer settings of a .cfg (SRAM kB, Bandwidth, offsets, MemoryBanks). */
export const MAX_CONFIG_INTEGER = 2 ** 31 - 1;

/**
 * Layers of one run after "DP" rows are split per channel: SCALE-Sim writes one report row each,
 * and npusim holds all rows in memory before it writes the reports whole.
 */
export const MAX_REPORT_ROWS = 2 ** 20;

/**
 * The most memory the model's tables may take for one layer (bytes): address tables of the input,
 * window and operand sizes (src/scalesim/model.ts layerWorkingBytes). SCALE-Sim itself holds the
 * full operand and demand matrices, many times more.
 */
export const MAX_LAYER_WORKING_BYTES = 4 * 2 ** 30;

const SHOWN_CHARACTERS = 60;

/**
 * A user's text as shown in a message: control characters written as escapes and long texts cut,
 * so that a message stays one readable line.
 */
export function shownText(text: string): string {
  const cut = text.length <= SHOWN_CHARACTERS ? text : text.slice(0, SHOWN_CHARACTERS);
  const escaped = cut.replace(/[\u0000-\u001f\u007f]/g, (character) => JSON.stringify(character).slice(1, -1));
  return text.length <= SHOWN_CHARACTERS ? escaped : `${escaped}... (${text.length} characters)`;
}

#!/usr/bin/env bash
# Builds tflm-dump: the real TensorFlow Lite Micro interpreter and reference kernels, compiled
# directly with g++ (TFLM's Makefile downloads third-party code, which fails offline), plus
# dump.cc, which runs a model and writes every op's output. Not part of the package or of CI:
# it makes the expected tensors under test/fixtures/tflm/, which are committed.
#
#   TFLM=<tensorflow/tflite-micro checkout at 90b983c> \
#   FLATBUFFERS=<google/flatbuffers checkout at v25.9.23, the version TFLM's schema_generated.h pins> \
#   GEMMLOWP=<google/gemmlowp checkout (fixedpoint/ headers)> \
#   RUY=<google/ruy checkout (ruy/profiler/instrumentation.h, which the reference kernels include)> \
#   OUT=<build folder> [SINGLE_ROUNDING=1] bash scripts/tflm/build.sh
#
# Writes $OUT/tflm-dump (TFLM's default build: double rounding), or with SINGLE_ROUNDING=1
# $OUT/single/tflm-dump-single (TFLITE_SINGLE_ROUNDING=1); generate.mjs takes both.
set -euo pipefail
: "${TFLM:?set TFLM to a tensorflow/tflite-micro checkout}"
: "${FLATBUFFERS:?set FLATBUFFERS to a google/flatbuffers checkout at v25.9.23}"
: "${GEMMLOWP:?set GEMMLOWP to a google/gemmlowp checkout}"
: "${RUY:?set RUY to a google/ruy checkout}"
OUT=${OUT:-/tmp/tflm-build}
HERE=$(cd "$(dirname "$0")" && pwd)

# The flags of TFLM's default host build (tools/make/Makefile: BUILD_TYPE=default, TARGET=linux):
# reference kernels, static memory, double-rounding requantization; -O2 only for speed.
FLAGS=(-O2 -std=c++17 -fno-rtti -fno-exceptions -fno-threadsafe-statics -DTF_LITE_STATIC_MEMORY
  -DTF_LITE_DISABLE_X86_NEON -DTF_LITE_USE_CTIME -I"$TFLM" -I"$FLATBUFFERS/include" -I"$GEMMLOWP" -I"$RUY" -w)
# SINGLE_ROUNDING=1 builds TFLite's other requantization (TFLITE_SINGLE_ROUNDING), as tflm-dump-single.
NAME=tflm-dump
case "${SINGLE_ROUNDING:-0}" in
  0 | 1) ;;
  *) echo "SINGLE_ROUNDING is 0 or 1, got ${SINGLE_ROUNDING}" >&2; exit 2 ;;
esac
if [ "${SINGLE_ROUNDING:-0}" = 1 ]; then
  FLAGS+=(-DTFLITE_SINGLE_ROUNDING=1)
  NAME=tflm-dump-single
  OUT="$OUT/single"
fi
mkdir -p "$OUT/obj"

# The interpreter (tensorflow/lite/micro and its allocators), the shared TFLite sources TFLM builds
# (sources.inc: everything under tensorflow/ but lite/micro and lite/experimental, without array.cc)
# and the kernels of the ops dump.cc registers.
KERNELS=(activations activations_common add add_common concatenation conv conv_common
  depthwise_conv depthwise_conv_common fully_connected fully_connected_common hard_swish
  hard_swish_common kernel_util logistic logistic_common pad pad_common pooling pooling_common quantize
  quantize_common reduce reduce_common reshape reshape_common softmax softmax_common squeeze
  transpose transpose_common dequantize dequantize_common)
SOURCES=()
while IFS= read -r file; do SOURCES+=("$file"); done < <(
  cd "$TFLM" && {
    find tensorflow/lite/micro -maxdepth 1 -name '*.cc'
    find tensorflow/lite/micro/arena_allocator tensorflow/lite/micro/memory_planner \
      tensorflow/lite/micro/tflite_bridge -name '*.cc'
    find tensorflow -type d \( -path tensorflow/lite/experimental -o -path tensorflow/lite/micro \) -prune \
      -false -o \( -name '*.cc' -o -name '*.c' \) -print
  } | grep -v -e '_test\.cc$' -e 'test_helper' -e 'testing_helpers' -e 'fake_micro_context' \
      -e 'tensorflow/lite/array\.cc$' -e 'mock_micro_graph' -e 'recording_' | sort)
for kernel in "${KERNELS[@]}"; do SOURCES+=("tensorflow/lite/micro/kernels/$kernel.cc"); done

OBJECTS=()
for source in "${SOURCES[@]}"; do
  object="$OUT/obj/$(echo "$source" | tr '/' '_').o"
  OBJECTS+=("$object")
  [ "$object" -nt "$TFLM/$source" ] && continue
  g++ "${FLAGS[@]}" -c "$TFLM/$source" -o "$object" &
  # Two compilers at a time; a failed one stops the build (set -e on wait's status).
  while [ "$(jobs -r | wc -l)" -ge 2 ]; do wait -n; done
done
while [ "$(jobs -r | wc -l)" -gt 0 ]; do wait -n; done
g++ "${FLAGS[@]}" "$HERE/dump.cc" "${OBJECTS[@]}" -o "$OUT/$NAME"
echo "$OUT/$NAME"

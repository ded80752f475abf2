;; npusim's SIMD kernels (WebAssembly SIMD, assembled by scripts/build-wasm.mjs with wabt).
;;
;; Each lane follows one output's documented accumulation order exactly (docs/numerics.md): the
;; bias first, then the products w * (x - zp) in increasing k; with folds, each fold's partial sum
;; starts at 0 and merges into the accumulator at the fold's end. The lanes are output channels, so
;; no lane ever reorders its own sums. Every value an add produces (partial sums, and the
;; accumulator after each merge) passes through a per-lane running minimum and maximum, which the
;; caller compares with the accumulator's range: an output whose extremes stay inside cannot have
;; wrapped or saturated, and one whose extremes leave it is recomputed one add at a time.
;;
;; Narrow lanes are int32 over int16 operands. Where |bias| + sum |w| * max |x - zp| fits int32 for
;; every channel no lane can wrap; where it does not (16-bit activations), the caller still takes
;; them and redoes every output whose values left +-(2^30 - 1): below that no add can wrap, as each
;; adds a product of at most 2^30 or a fold's partial sum (itself one of the values kept). Mid lanes
;; are int32 over int32 operands (x - zp past int16, each product within 2^30), taken the same way.
;; Wide lanes are float64 over int32 operands, exact below 2^53, checked with the static bound.
;;
;; The memory is shared: kernel threads (threads.ts) run other rows of the same layer in it, each
;; with its own instance (its own globals) and its own scratch regions.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (export "memory" (memory 0))

  ;; One output pixel of a dense (or grouped: one group) convolution.
  ;; $x: the pixel's im2col row, $depth int16 values (padded taps hold 0).
  ;; $w: the weights block-major, [block][k][8 lanes] int16, 8 output channels per block.
  ;; $fold: products per fold, or 0 for no folds (the running sum is the accumulator).
  ;; $bias, $sum, $low, $high: 8 int32 per block.
  (func $dense
    (param $x i32) (param $w i32) (param $depth i32) (param $fold i32) (param $blocks i32)
    (param $bias i32) (param $sum i32) (param $low i32) (param $high i32)
    (local $block i32) (local $lane i32) (local $xp i32) (local $xEnd i32) (local $foldEnd i32) (local $wp i32)
    (local $a0 v128) (local $a1 v128) (local $p0 v128) (local $p1 v128)
    (local $lo0 v128) (local $lo1 v128) (local $hi0 v128) (local $hi1 v128)
    (local $xs v128) (local $wv v128)
    (local.set $wp (local.get $w))
    (local.set $xEnd (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 1))))
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (local.set $lane (i32.shl (local.get $block) (i32.const 5)))
        (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $lane))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $lane))))
        (local.set $lo0 (local.get $a0))
        (local.set $lo1 (local.get $a1))
        (local.set $hi0 (local.get $a0))
        (local.set $hi1 (local.get $a1))
        (local.set $xp (local.get $x))
        (if (i32.eqz (local.get $fold))
          (then
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $xp) (local.get $xEnd)))
                (local.set $xs (v128.load16_splat (local.get $xp)))
                (local.set $wv (v128.load (local.get $wp)))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extmul_low_i16x8_s (local.get $wv) (local.get $xs))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extmul_high_i16x8_s (local.get $wv) (local.get $xs))))
                (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 2)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
                (br $kLoop))))
          (else
            (block $foldsDone
              (loop $foldLoop
                (br_if $foldsDone (i32.ge_u (local.get $xp) (local.get $xEnd)))
                (local.set $foldEnd (i32.add (local.get $xp) (i32.shl (local.get $fold) (i32.const 1))))
                (if (i32.gt_u (local.get $foldEnd) (local.get $xEnd)) (then (local.set $foldEnd (local.get $xEnd))))
                (local.set $p0 (v128.const i32x4 0 0 0 0))
                (local.set $p1 (v128.const i32x4 0 0 0 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $xp) (local.get $foldEnd)))
                    (local.set $xs (v128.load16_splat (local.get $xp)))
                    (local.set $wv (v128.load (local.get $wp)))
                    (local.set $p0 (i32x4.add (local.get $p0) (i32x4.extmul_low_i16x8_s (local.get $wv) (local.get $xs))))
                    (local.set $p1 (i32x4.add (local.get $p1) (i32x4.extmul_high_i16x8_s (local.get $wv) (local.get $xs))))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $p0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $p1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $p0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $p1)))
                    (local.set $xp (i32.add (local.get $xp) (i32.const 2)))
                    (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
                    (br $kLoop)))
                (local.set $a0 (i32x4.add (local.get $a0) (local.get $p0)))
                (local.set $a1 (i32x4.add (local.get $a1) (local.get $p1)))
                (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1)))
                (br $foldLoop)))))
        (v128.store (i32.add (local.get $sum) (local.get $lane)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $sum) (local.get $lane)) (local.get $a1))
        (v128.store (i32.add (local.get $low) (local.get $lane)) (local.get $lo0))
        (v128.store offset=16 (i32.add (local.get $low) (local.get $lane)) (local.get $lo1))
        (v128.store (i32.add (local.get $high) (local.get $lane)) (local.get $hi0))
        (v128.store offset=16 (i32.add (local.get $high) (local.get $lane)) (local.get $hi1))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

;; The layer's input less its zero point, from int32 at $source into int16 at $target. Returns
  ;; max |x - zp|, or -1 where a value leaves int16 (the layer then stays with the plain kernels).
  (func (export "shiftInput") (param $source i32) (param $count i32) (param $zeroPoint i32) (param $target i32) (result i32)
    (local $index i32) (local $v0 v128) (local $v1 v128) (local $zp v128) (local $lo v128) (local $hi v128)
    (local $value i32) (local $min i32) (local $max i32) (local $lane i32)
    (local.set $zp (i32x4.splat (local.get $zeroPoint)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.gt_u (i32.add (local.get $index) (i32.const 8)) (local.get $count)))
        (local.set $v0 (i32x4.sub (v128.load (i32.add (local.get $source) (i32.shl (local.get $index) (i32.const 2)))) (local.get $zp)))
        (local.set $v1 (i32x4.sub (v128.load offset=16 (i32.add (local.get $source) (i32.shl (local.get $index) (i32.const 2)))) (local.get $zp)))
        (local.set $lo (i32x4.min_s (local.get $lo) (i32x4.min_s (local.get $v0) (local.get $v1))))
        (local.set $hi (i32x4.max_s (local.get $hi) (i32x4.max_s (local.get $v0) (local.get $v1))))
        (v128.store (i32.add (local.get $target) (i32.shl (local.get $index) (i32.const 1))) (i16x8.narrow_i32x4_s (local.get $v0) (local.get $v1)))
        (local.set $index (i32.add (local.get $index) (i32.const 8)))
        (br $vectors)))
    (local.set $min (i32x4.extract_lane 0 (local.get $lo)))
    (local.set $max (i32x4.extract_lane 0 (local.get $hi)))
    (local.set $lane (i32x4.extract_lane 1 (local.get $lo)))
    (if (i32.lt_s (local.get $lane) (local.get $min)) (then (local.set $min (local.get $lane))))
    (local.set $lane (i32x4.extract_lane 2 (local.get $lo)))
    (if (i32.lt_s (local.get $lane) (local.get $min)) (then (local.set $min (local.get $lane))))
    (local.set $lane (i32x4.extract_lane 3 (local.get $lo)))
    (if (i32.lt_s (local.get $lane) (local.get $min)) (then (local.set $min (local.get $lane))))
    (local.set $lane (i32x4.extract_lane 1 (local.get $hi)))
    (if (i32.gt_s (local.get $lane) (local.get $max)) (then (local.set $max (local.get $lane))))
    (local.set $lane (i32x4.extract_lane 2 (local.get $hi)))
    (if (i32.gt_s (local.get $lane) (local.get $max)) (then (local.set $max (local.get $lane))))
    (local.set $lane (i32x4.extract_lane 3 (local.get $hi)))
    (if (i32.gt_s (local.get $lane) (local.get $max)) (then (local.set $max (local.get $lane))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $index) (local.get $count)))
        (local.set $value (i32.sub (i32.load (i32.add (local.get $source) (i32.shl (local.get $index) (i32.const 2)))) (local.get $zeroPoint)))
        (if (i32.lt_s (local.get $value) (local.get $min)) (then (local.set $min (local.get $value))))
        (if (i32.gt_s (local.get $value) (local.get $max)) (then (local.set $max (local.get $value))))
        (i32.store16 (i32.add (local.get $target) (i32.shl (local.get $index) (i32.const 1))) (local.get $value))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $tail)))
    (if (i32.or (i32.lt_s (local.get $min) (i32.const -32768)) (i32.gt_s (local.get $max) (i32.const 32767))) (then (return (i32.const -1))))
    (if (result i32) (i32.gt_s (i32.sub (i32.const 0) (local.get $min)) (local.get $max))
      (then (i32.sub (i32.const 0) (local.get $min)))
      (else (local.get $max))))

  ;; ---- Mid lanes: int32 over int32 operands, for 16-bit activations less a zero point past int16 ----
  ;; $dense and $depthwise with int32 operands in memory (laid out as for the wide lanes) and int32
  ;; lanes: the caller takes them only when every product fits +-2^30 and then redoes every output
  ;; whose values left +-(2^30 - 1), below which no add can wrap (convLayer.ts, OPTIMISTIC_LIMIT).

  (func $denseMid
    (param $x i32) (param $w i32) (param $depth i32) (param $fold i32) (param $blocks i32)
    (param $bias i32) (param $sum i32) (param $low i32) (param $high i32)
    (local $block i32) (local $lane i32) (local $xp i32) (local $xEnd i32) (local $foldEnd i32) (local $wp i32)
    (local $a0 v128) (local $a1 v128) (local $p0 v128) (local $p1 v128)
    (local $lo0 v128) (local $lo1 v128) (local $hi0 v128) (local $hi1 v128)
    (local $xs v128) (local $wv v128) (local $wh v128)
    (local.set $wp (local.get $w))
    (local.set $xEnd (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 2))))
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (local.set $lane (i32.shl (local.get $block) (i32.const 5)))
        (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $lane))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $lane))))
        (local.set $lo0 (local.get $a0))
        (local.set $lo1 (local.get $a1))
        (local.set $hi0 (local.get $a0))
        (local.set $hi1 (local.get $a1))
        (local.set $xp (local.get $x))
        (if (i32.eqz (local.get $fold))
          (then
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $xp) (local.get $xEnd)))
                (local.set $xs (v128.load32_splat (local.get $xp)))
                (local.set $wv (v128.load (local.get $wp)))
                (local.set $wh (v128.load offset=16 (local.get $wp)))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.mul (local.get $wv) (local.get $xs))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (local.get $wh) (local.get $xs))))
                (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                (br $kLoop))))
          (else
            (block $foldsDone
              (loop $foldLoop
                (br_if $foldsDone (i32.ge_u (local.get $xp) (local.get $xEnd)))
                (local.set $foldEnd (i32.add (local.get $xp) (i32.shl (local.get $fold) (i32.const 2))))
                (if (i32.gt_u (local.get $foldEnd) (local.get $xEnd)) (then (local.set $foldEnd (local.get $xEnd))))
                (local.set $p0 (v128.const i32x4 0 0 0 0))
                (local.set $p1 (v128.const i32x4 0 0 0 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $xp) (local.get $foldEnd)))
                    (local.set $xs (v128.load32_splat (local.get $xp)))
                    (local.set $wv (v128.load (local.get $wp)))
                (local.set $wh (v128.load offset=16 (local.get $wp)))
                    (local.set $p0 (i32x4.add (local.get $p0) (i32x4.mul (local.get $wv) (local.get $xs))))
                    (local.set $p1 (i32x4.add (local.get $p1) (i32x4.mul (local.get $wh) (local.get $xs))))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $p0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $p1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $p0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $p1)))
                    (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                    (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                    (br $kLoop)))
                (local.set $a0 (i32x4.add (local.get $a0) (local.get $p0)))
                (local.set $a1 (i32x4.add (local.get $a1) (local.get $p1)))
                (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1)))
                (br $foldLoop)))))
        (v128.store (i32.add (local.get $sum) (local.get $lane)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $sum) (local.get $lane)) (local.get $a1))
        (v128.store (i32.add (local.get $low) (local.get $lane)) (local.get $lo0))
        (v128.store offset=16 (i32.add (local.get $low) (local.get $lane)) (local.get $lo1))
        (v128.store (i32.add (local.get $high) (local.get $lane)) (local.get $hi0))
        (v128.store offset=16 (i32.add (local.get $high) (local.get $lane)) (local.get $hi1))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

  (func $depthwiseMid
    (param $x i32) (param $taps i32) (param $tapCount i32) (param $w i32) (param $blocks i32) (param $fold i32)
    (param $bias i32) (param $sum i32) (param $low i32) (param $high i32) (param $zeros i32)
    (local $block i32) (local $lane i32) (local $tap i32) (local $offset i32) (local $inFold i32) (local $rowBytes i32)
    (local $a0 v128) (local $a1 v128) (local $p0 v128) (local $p1 v128)
    (local $lo0 v128) (local $lo1 v128) (local $hi0 v128) (local $hi1 v128)
    (local $z0 v128) (local $z1 v128) (local $q0 v128) (local $q1 v128)
    (local $xv v128) (local $wv v128) (local $xh v128) (local $wh v128)
    (local.set $rowBytes (i32.shl (local.get $blocks) (i32.const 5)))
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (local.set $lane (i32.shl (local.get $block) (i32.const 5)))
        (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $lane))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $lane))))
        (local.set $lo0 (local.get $a0))
        (local.set $lo1 (local.get $a1))
        (local.set $hi0 (local.get $a0))
        (local.set $hi1 (local.get $a1))
        (local.set $z0 (v128.const i32x4 0 0 0 0))
        (local.set $z1 (v128.const i32x4 0 0 0 0))
        (local.set $p0 (v128.const i32x4 0 0 0 0))
        (local.set $p1 (v128.const i32x4 0 0 0 0))
        (local.set $inFold (i32.const 0))
        (local.set $tap (i32.const 0))
        (block $tapsDone
          (loop $tapLoop
            (br_if $tapsDone (i32.ge_u (local.get $tap) (local.get $tapCount)))
            (local.set $offset (i32.load (i32.add (local.get $taps) (i32.shl (local.get $tap) (i32.const 2)))))
            (if (i32.ge_s (local.get $offset) (i32.const 0))
              (then
                (local.set $xv (v128.load (i32.add (i32.add (local.get $x) (local.get $offset)) (i32.shl (local.get $block) (i32.const 5)))))
                (local.set $xh (v128.load offset=16 (i32.add (i32.add (local.get $x) (local.get $offset)) (i32.shl (local.get $block) (i32.const 5)))))
                (local.set $wv
                  (v128.load
                    (i32.add (i32.add (local.get $w) (i32.mul (local.get $tap) (local.get $rowBytes))) (i32.shl (local.get $block) (i32.const 5)))))
                (local.set $wh
                  (v128.load offset=16
                    (i32.add (i32.add (local.get $w) (i32.mul (local.get $tap) (local.get $rowBytes))) (i32.shl (local.get $block) (i32.const 5)))))
                (local.set $q0 (i32x4.mul (local.get $wv) (local.get $xv)))
                (local.set $q1 (i32x4.mul (local.get $wh) (local.get $xh)))
                (local.set $z0 (i32x4.sub (local.get $z0) (i32x4.eq (local.get $q0) (v128.const i32x4 0 0 0 0))))
                (local.set $z1 (i32x4.sub (local.get $z1) (i32x4.eq (local.get $q1) (v128.const i32x4 0 0 0 0))))
                (if (i32.eqz (local.get $fold))
                  (then
                    (local.set $a0 (i32x4.add (local.get $a0) (local.get $q0)))
                    (local.set $a1 (i32x4.add (local.get $a1) (local.get $q1)))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1))))
                  (else
                    (local.set $p0 (i32x4.add (local.get $p0) (local.get $q0)))
                    (local.set $p1 (i32x4.add (local.get $p1) (local.get $q1)))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $p0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $p1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $p0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $p1)))))))
            (local.set $tap (i32.add (local.get $tap) (i32.const 1)))
            (if (i32.ne (local.get $fold) (i32.const 0))
              (then
                (local.set $inFold (i32.add (local.get $inFold) (i32.const 1)))
                (if (i32.or (i32.eq (local.get $inFold) (local.get $fold)) (i32.eq (local.get $tap) (local.get $tapCount)))
                  (then
                    (local.set $a0 (i32x4.add (local.get $a0) (local.get $p0)))
                    (local.set $a1 (i32x4.add (local.get $a1) (local.get $p1)))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1)))
                    (local.set $p0 (v128.const i32x4 0 0 0 0))
                    (local.set $p1 (v128.const i32x4 0 0 0 0))
                    (local.set $inFold (i32.const 0))))))
            (br $tapLoop)))
        (v128.store (i32.add (local.get $sum) (local.get $lane)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $sum) (local.get $lane)) (local.get $a1))
        (v128.store (i32.add (local.get $low) (local.get $lane)) (local.get $lo0))
        (v128.store offset=16 (i32.add (local.get $low) (local.get $lane)) (local.get $lo1))
        (v128.store (i32.add (local.get $high) (local.get $lane)) (local.get $hi0))
        (v128.store offset=16 (i32.add (local.get $high) (local.get $lane)) (local.get $hi1))
        (v128.store (i32.add (local.get $zeros) (local.get $lane)) (local.get $z0))
        (v128.store offset=16 (i32.add (local.get $zeros) (local.get $lane)) (local.get $z1))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

  ;; ---- Wide lanes: float64, for layers whose operands pass int16 or whose sums could pass int32 ----
  ;; Every value stays an integer below 2^53 (the caller checks |bias| + sum |w| * max |x - zp|),
  ;; where float64 adds and multiplies are exact; the order per lane is the documented one, as in
  ;; $dense. Operands are int32 in memory, converted per use; lanes hold float64, two a vector.

  ;; Four float64x2 of an 8-lane block of int32 at $at.
  (func $wideLanes (param $at i32) (result v128 v128 v128 v128)
    (local $low v128) (local $high v128)
    (local.set $low (v128.load (local.get $at)))
    (local.set $high (v128.load offset=16 (local.get $at)))
    (f64x2.convert_low_i32x4_s (local.get $low))
    (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $low) (local.get $low)))
    (f64x2.convert_low_i32x4_s (local.get $high))
    (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $high) (local.get $high))))

  ;; $dense with int32 operands ($x: the im2col row, int32; $w: [block][k][8] int32) and float64
  ;; lanes; $sum, $low, $high: 8 float64 per block; $bias: 8 int32 per block.
  (func $denseWide
    (param $x i32) (param $w i32) (param $depth i32) (param $fold i32) (param $blocks i32)
    (param $bias i32) (param $sum i32) (param $low i32) (param $high i32)
    (local $block i32) (local $xp i32) (local $xEnd i32) (local $foldEnd i32) (local $wp i32) (local $out i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $lo0 v128) (local $lo1 v128) (local $lo2 v128) (local $lo3 v128)
    (local $hi0 v128) (local $hi1 v128) (local $hi2 v128) (local $hi3 v128)
    (local $xs v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local.set $wp (local.get $w))
    (local.set $xEnd (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 2))))
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (call $wideLanes (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 5))))
        (local.set $a3) (local.set $a2) (local.set $a1) (local.set $a0)
        (local.set $lo0 (local.get $a0)) (local.set $lo1 (local.get $a1)) (local.set $lo2 (local.get $a2)) (local.set $lo3 (local.get $a3))
        (local.set $hi0 (local.get $a0)) (local.set $hi1 (local.get $a1)) (local.set $hi2 (local.get $a2)) (local.set $hi3 (local.get $a3))
        (local.set $xp (local.get $x))
        (block $foldsDone
          (loop $foldLoop
            (br_if $foldsDone (i32.ge_u (local.get $xp) (local.get $xEnd)))
            ;; Without folds the whole row is one run whose running sum is the accumulator itself.
            (local.set $foldEnd
              (if (result i32) (i32.eqz (local.get $fold))
                (then (local.get $xEnd))
                (else (i32.add (local.get $xp) (i32.shl (local.get $fold) (i32.const 2))))))
            (if (i32.gt_u (local.get $foldEnd) (local.get $xEnd)) (then (local.set $foldEnd (local.get $xEnd))))
            (if (i32.eqz (local.get $fold))
              (then (local.set $p0 (local.get $a0)) (local.set $p1 (local.get $a1)) (local.set $p2 (local.get $a2)) (local.set $p3 (local.get $a3)))
              (else
                (local.set $p0 (v128.const f64x2 0 0)) (local.set $p1 (v128.const f64x2 0 0))
                (local.set $p2 (v128.const f64x2 0 0)) (local.set $p3 (v128.const f64x2 0 0))))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $xp) (local.get $foldEnd)))
                (local.set $xs (f64x2.splat (f64.convert_i32_s (i32.load (local.get $xp)))))
                ;; $wideLanes inline: this is the hot loop.
                (local.set $w1 (v128.load (local.get $wp)))
                (local.set $w3 (v128.load offset=16 (local.get $wp)))
                (local.set $w0 (f64x2.convert_low_i32x4_s (local.get $w1)))
                (local.set $w1 (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w1) (local.get $w1))))
                (local.set $w2 (f64x2.convert_low_i32x4_s (local.get $w3)))
                (local.set $w3 (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w3) (local.get $w3))))
                (local.set $p0 (f64x2.add (local.get $p0) (f64x2.mul (local.get $w0) (local.get $xs))))
                (local.set $p1 (f64x2.add (local.get $p1) (f64x2.mul (local.get $w1) (local.get $xs))))
                (local.set $p2 (f64x2.add (local.get $p2) (f64x2.mul (local.get $w2) (local.get $xs))))
                (local.set $p3 (f64x2.add (local.get $p3) (f64x2.mul (local.get $w3) (local.get $xs))))
                (local.set $lo0 (f64x2.pmin (local.get $lo0) (local.get $p0))) (local.set $lo1 (f64x2.pmin (local.get $lo1) (local.get $p1)))
                (local.set $lo2 (f64x2.pmin (local.get $lo2) (local.get $p2))) (local.set $lo3 (f64x2.pmin (local.get $lo3) (local.get $p3)))
                (local.set $hi0 (f64x2.pmax (local.get $hi0) (local.get $p0))) (local.set $hi1 (f64x2.pmax (local.get $hi1) (local.get $p1)))
                (local.set $hi2 (f64x2.pmax (local.get $hi2) (local.get $p2))) (local.set $hi3 (f64x2.pmax (local.get $hi3) (local.get $p3)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                (br $kLoop)))
            (if (i32.eqz (local.get $fold))
              (then (local.set $a0 (local.get $p0)) (local.set $a1 (local.get $p1)) (local.set $a2 (local.get $p2)) (local.set $a3 (local.get $p3)))
              (else
                (local.set $a0 (f64x2.add (local.get $a0) (local.get $p0))) (local.set $a1 (f64x2.add (local.get $a1) (local.get $p1)))
                (local.set $a2 (f64x2.add (local.get $a2) (local.get $p2))) (local.set $a3 (f64x2.add (local.get $a3) (local.get $p3)))
                (local.set $lo0 (f64x2.pmin (local.get $lo0) (local.get $a0))) (local.set $lo1 (f64x2.pmin (local.get $lo1) (local.get $a1)))
                (local.set $lo2 (f64x2.pmin (local.get $lo2) (local.get $a2))) (local.set $lo3 (f64x2.pmin (local.get $lo3) (local.get $a3)))
                (local.set $hi0 (f64x2.pmax (local.get $hi0) (local.get $a0))) (local.set $hi1 (f64x2.pmax (local.get $hi1) (local.get $a1)))
                (local.set $hi2 (f64x2.pmax (local.get $hi2) (local.get $a2))) (local.set $hi3 (f64x2.pmax (local.get $hi3) (local.get $a3)))))
            (br $foldLoop)))
        (local.set $out (i32.shl (local.get $block) (i32.const 6)))
        (call $storeWide (i32.add (local.get $sum) (local.get $out)) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))
        (call $storeWide (i32.add (local.get $low) (local.get $out)) (local.get $lo0) (local.get $lo1) (local.get $lo2) (local.get $lo3))
        (call $storeWide (i32.add (local.get $high) (local.get $out)) (local.get $hi0) (local.get $hi1) (local.get $hi2) (local.get $hi3))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

  (func $storeWide (param $at i32) (param $v0 v128) (param $v1 v128) (param $v2 v128) (param $v3 v128)
    (v128.store (local.get $at) (local.get $v0))
    (v128.store offset=16 (local.get $at) (local.get $v1))
    (v128.store offset=32 (local.get $at) (local.get $v2))
    (v128.store offset=48 (local.get $at) (local.get $v3)))

  ;; $depthwise with int32 operands ($x: the input as int32, 32 readable bytes past its end; $w:
  ;; [tap][8 * $blocks] int32) and float64 lanes; $zeros: int32 per lane, as in $depthwise.
  (func $depthwiseWide
    (param $x i32) (param $taps i32) (param $tapCount i32) (param $w i32) (param $blocks i32) (param $fold i32)
    (param $bias i32) (param $sum i32) (param $low i32) (param $high i32) (param $zeros i32)
    (local $block i32) (local $tap i32) (local $offset i32) (local $inFold i32) (local $rowBytes i32) (local $out i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $lo0 v128) (local $lo1 v128) (local $lo2 v128) (local $lo3 v128)
    (local $hi0 v128) (local $hi1 v128) (local $hi2 v128) (local $hi3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $z0 v128) (local $z1 v128) (local $xw i32) (local $ww i32)
    (local.set $rowBytes (i32.shl (local.get $blocks) (i32.const 5)))
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (call $wideLanes (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 5))))
        (local.set $a3) (local.set $a2) (local.set $a1) (local.set $a0)
        (local.set $lo0 (local.get $a0)) (local.set $lo1 (local.get $a1)) (local.set $lo2 (local.get $a2)) (local.set $lo3 (local.get $a3))
        (local.set $hi0 (local.get $a0)) (local.set $hi1 (local.get $a1)) (local.set $hi2 (local.get $a2)) (local.set $hi3 (local.get $a3))
        (local.set $p0 (v128.const f64x2 0 0)) (local.set $p1 (v128.const f64x2 0 0))
        (local.set $p2 (v128.const f64x2 0 0)) (local.set $p3 (v128.const f64x2 0 0))
        (local.set $z0 (v128.const i32x4 0 0 0 0)) (local.set $z1 (v128.const i32x4 0 0 0 0))
        (local.set $inFold (i32.const 0))
        (local.set $tap (i32.const 0))
        (block $tapsDone
          (loop $tapLoop
            (br_if $tapsDone (i32.ge_u (local.get $tap) (local.get $tapCount)))
            (local.set $offset (i32.load (i32.add (local.get $taps) (i32.shl (local.get $tap) (i32.const 2)))))
            (if (i32.ge_s (local.get $offset) (i32.const 0))
              (then
                (local.set $xw (i32.add (i32.add (local.get $x) (local.get $offset)) (i32.shl (local.get $block) (i32.const 5))))
                (local.set $ww (i32.add (i32.add (local.get $w) (i32.mul (local.get $tap) (local.get $rowBytes))) (i32.shl (local.get $block) (i32.const 5))))
                (call $wideLanes (local.get $xw))
                (local.set $x3) (local.set $x2) (local.set $x1) (local.set $x0)
                (call $wideLanes (local.get $ww))
                (local.set $q3) (local.set $q2) (local.set $q1) (local.set $q0)
                (local.set $q0 (f64x2.mul (local.get $q0) (local.get $x0))) (local.set $q1 (f64x2.mul (local.get $q1) (local.get $x1)))
                (local.set $q2 (f64x2.mul (local.get $q2) (local.get $x2))) (local.set $q3 (f64x2.mul (local.get $q3) (local.get $x3)))
                ;; Zero products: the int32 operands' products are zero exactly when either is.
                (local.set $z0 (i32x4.sub (local.get $z0) (call $zeroProducts (local.get $xw) (local.get $ww) (i32.const 0))))
                (local.set $z1 (i32x4.sub (local.get $z1) (call $zeroProducts (local.get $xw) (local.get $ww) (i32.const 16))))
                (if (i32.eqz (local.get $fold))
                  (then
                    (local.set $a0 (f64x2.add (local.get $a0) (local.get $q0))) (local.set $a1 (f64x2.add (local.get $a1) (local.get $q1)))
                    (local.set $a2 (f64x2.add (local.get $a2) (local.get $q2))) (local.set $a3 (f64x2.add (local.get $a3) (local.get $q3)))
                    (local.set $lo0 (f64x2.pmin (local.get $lo0) (local.get $a0))) (local.set $lo1 (f64x2.pmin (local.get $lo1) (local.get $a1)))
                    (local.set $lo2 (f64x2.pmin (local.get $lo2) (local.get $a2))) (local.set $lo3 (f64x2.pmin (local.get $lo3) (local.get $a3)))
                    (local.set $hi0 (f64x2.pmax (local.get $hi0) (local.get $a0))) (local.set $hi1 (f64x2.pmax (local.get $hi1) (local.get $a1)))
                    (local.set $hi2 (f64x2.pmax (local.get $hi2) (local.get $a2))) (local.set $hi3 (f64x2.pmax (local.get $hi3) (local.get $a3))))
                  (else
                    (local.set $p0 (f64x2.add (local.get $p0) (local.get $q0))) (local.set $p1 (f64x2.add (local.get $p1) (local.get $q1)))
                    (local.set $p2 (f64x2.add (local.get $p2) (local.get $q2))) (local.set $p3 (f64x2.add (local.get $p3) (local.get $q3)))
                    (local.set $lo0 (f64x2.pmin (local.get $lo0) (local.get $p0))) (local.set $lo1 (f64x2.pmin (local.get $lo1) (local.get $p1)))
                    (local.set $lo2 (f64x2.pmin (local.get $lo2) (local.get $p2))) (local.set $lo3 (f64x2.pmin (local.get $lo3) (local.get $p3)))
                    (local.set $hi0 (f64x2.pmax (local.get $hi0) (local.get $p0))) (local.set $hi1 (f64x2.pmax (local.get $hi1) (local.get $p1)))
                    (local.set $hi2 (f64x2.pmax (local.get $hi2) (local.get $p2))) (local.set $hi3 (f64x2.pmax (local.get $hi3) (local.get $p3)))))))
            (local.set $tap (i32.add (local.get $tap) (i32.const 1)))
            (if (i32.ne (local.get $fold) (i32.const 0))
              (then
                (local.set $inFold (i32.add (local.get $inFold) (i32.const 1)))
                (if (i32.or (i32.eq (local.get $inFold) (local.get $fold)) (i32.eq (local.get $tap) (local.get $tapCount)))
                  (then
                    (local.set $a0 (f64x2.add (local.get $a0) (local.get $p0))) (local.set $a1 (f64x2.add (local.get $a1) (local.get $p1)))
                    (local.set $a2 (f64x2.add (local.get $a2) (local.get $p2))) (local.set $a3 (f64x2.add (local.get $a3) (local.get $p3)))
                    (local.set $lo0 (f64x2.pmin (local.get $lo0) (local.get $a0))) (local.set $lo1 (f64x2.pmin (local.get $lo1) (local.get $a1)))
                    (local.set $lo2 (f64x2.pmin (local.get $lo2) (local.get $a2))) (local.set $lo3 (f64x2.pmin (local.get $lo3) (local.get $a3)))
                    (local.set $hi0 (f64x2.pmax (local.get $hi0) (local.get $a0))) (local.set $hi1 (f64x2.pmax (local.get $hi1) (local.get $a1)))
                    (local.set $hi2 (f64x2.pmax (local.get $hi2) (local.get $a2))) (local.set $hi3 (f64x2.pmax (local.get $hi3) (local.get $a3)))
                    (local.set $p0 (v128.const f64x2 0 0)) (local.set $p1 (v128.const f64x2 0 0))
                    (local.set $p2 (v128.const f64x2 0 0)) (local.set $p3 (v128.const f64x2 0 0))
                    (local.set $inFold (i32.const 0))))))
            (br $tapLoop)))
        (local.set $out (i32.shl (local.get $block) (i32.const 6)))
        (call $storeWide (i32.add (local.get $sum) (local.get $out)) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))
        (call $storeWide (i32.add (local.get $low) (local.get $out)) (local.get $lo0) (local.get $lo1) (local.get $lo2) (local.get $lo3))
        (call $storeWide (i32.add (local.get $high) (local.get $out)) (local.get $hi0) (local.get $hi1) (local.get $hi2) (local.get $hi3))
        (v128.store (i32.add (local.get $zeros) (i32.shl (local.get $block) (i32.const 5))) (local.get $z0))
        (v128.store offset=16 (i32.add (local.get $zeros) (i32.shl (local.get $block) (i32.const 5))) (local.get $z1))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

  ;; Per lane of four int32 at $x + $at and $w + $at: -1 where either is 0.
  (func $zeroProducts (param $x i32) (param $w i32) (param $at i32) (result v128)
    (v128.or
      (i32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (v128.const i32x4 0 0 0 0))
      (i32x4.eq (v128.load (i32.add (local.get $w) (local.get $at))) (v128.const i32x4 0 0 0 0))))

  ;; ---- Weight layout (convLayer.ts prepareWeights) ----

  (func $abs64 (param $x i64) (result i64)
    (select (i64.sub (i64.const 0) (local.get $x)) (local.get $x) (i64.lt_s (local.get $x) (i64.const 0))))

  (global $weightLow (mut i32) (i32.const 0))
  (global $weightHigh (mut i32) (i32.const 0))
  (func (export "weightLow") (result i32) (global.get $weightLow))
  (func (export "weightHigh") (result i32) (global.get $weightHigh))

  ;; The weights at $src (int32: OHWI, or [tap][channel] for depthwise) laid out for the lanes at
  ;; $dst (int32 block-major [group][block][k][8], or [tap][8 * $blocks]), with sum |w| per output
  ;; channel (float64) at $sums, per group and k the channels with a non-zero weight at $nonZero
  ;; (dense only; zeroed by the caller), and the weights' range in $weightLow and $weightHigh.
  ;; $dst and $sums hold zeros where no weight lands.
  (func (export "layOutWeights")
    (param $src i32) (param $dst i32) (param $sums i32) (param $nonZero i32) (param $depth i32) (param $outChannels i32)
    (param $groupOutputs i32) (param $groups i32) (param $blocks i32) (param $isDepthwise i32)
    (local $group i32) (local $lane i32) (local $oc i32) (local $k i32) (local $w i32) (local $base i32) (local $sum i64)
    (local $low i32) (local $high i32) (local $at i32) (local $lanes i32)
    (local.set $lanes (i32.shl (local.get $blocks) (i32.const 3)))
    (if (local.get $isDepthwise)
      (then
        ;; $depth is the tap count here.
        (block $ocDone
          (loop $ocLoop
            (br_if $ocDone (i32.ge_u (local.get $oc) (local.get $outChannels)))
            (local.set $sum (i64.const 0))
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $k) (local.get $depth)))
                (local.set $w (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $outChannels)) (local.get $oc)) (i32.const 2)))))
                (if (i32.lt_s (local.get $w) (local.get $low)) (then (local.set $low (local.get $w))))
                (if (i32.gt_s (local.get $w) (local.get $high)) (then (local.set $high (local.get $w))))
                (i32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $lanes)) (local.get $oc)) (i32.const 2))) (local.get $w))
                (local.set $sum (i64.add (local.get $sum) (call $abs64 (i64.extend_i32_s (local.get $w)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kLoop)))
            (f64.store (i32.add (local.get $sums) (i32.shl (local.get $oc) (i32.const 3))) (f64.convert_i64_s (local.get $sum)))
            (local.set $oc (i32.add (local.get $oc) (i32.const 1)))
            (br $ocLoop))))
      (else
        (block $groupsDone
          (loop $groupLoop
            (br_if $groupsDone (i32.ge_u (local.get $group) (local.get $groups)))
            (local.set $lane (i32.const 0))
            (block $lanesDone
              (loop $laneLoop
                (br_if $lanesDone (i32.ge_u (local.get $lane) (local.get $groupOutputs)))
                (local.set $oc (i32.add (i32.mul (local.get $group) (local.get $groupOutputs)) (local.get $lane)))
                ;; Element index of (group, block, k = 0, lane in block).
                (local.set $base
                  (i32.add
                    (i32.mul
                      (i32.add (i32.mul (local.get $group) (local.get $blocks)) (i32.shr_u (local.get $lane) (i32.const 3)))
                      (i32.shl (local.get $depth) (i32.const 3)))
                    (i32.and (local.get $lane) (i32.const 7))))
                (local.set $sum (i64.const 0))
                (local.set $k (i32.const 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $k) (local.get $depth)))
                    (local.set $w (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $oc) (local.get $depth)) (local.get $k)) (i32.const 2)))))
                    (if (i32.lt_s (local.get $w) (local.get $low)) (then (local.set $low (local.get $w))))
                    (if (i32.gt_s (local.get $w) (local.get $high)) (then (local.set $high (local.get $w))))
                    (i32.store (i32.add (local.get $dst) (i32.shl (i32.add (local.get $base) (i32.shl (local.get $k) (i32.const 3))) (i32.const 2))) (local.get $w))
                    (local.set $sum (i64.add (local.get $sum) (call $abs64 (i64.extend_i32_s (local.get $w)))))
                    (local.set $at (i32.add (local.get $nonZero) (i32.shl (i32.add (i32.mul (local.get $group) (local.get $depth)) (local.get $k)) (i32.const 2))))
                    (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.ne (local.get $w) (i32.const 0))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $kLoop)))
                (f64.store (i32.add (local.get $sums) (i32.shl (local.get $oc) (i32.const 3))) (f64.convert_i64_s (local.get $sum)))
                (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
                (br $laneLoop)))
            (local.set $group (i32.add (local.get $group) (i32.const 1)))
            (br $groupLoop)))))
    (global.set $weightLow (local.get $low))
    (global.set $weightHigh (local.get $high)))

  ;; A pixel's im2col row for one group: per tap, $channels int16 from $x + the tap's byte offset
  ;; ($taps, int32, -1 for a padded tap, which gives zeros) + $first, into $row.
  (func $gather (param $x i32) (param $taps i32) (param $tapCount i32) (param $channels i32) (param $first i32) (param $row i32)
    (local $tap i32) (local $offset i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $channels) (i32.const 1)))
    (block $done
      (loop $tapLoop
        (br_if $done (i32.ge_u (local.get $tap) (local.get $tapCount)))
        (local.set $offset (i32.load (i32.add (local.get $taps) (i32.shl (local.get $tap) (i32.const 2)))))
        (if (i32.lt_s (local.get $offset) (i32.const 0))
          (then (memory.fill (local.get $row) (i32.const 0) (local.get $bytes)))
          (else (memory.copy (local.get $row) (i32.add (i32.add (local.get $x) (local.get $offset)) (local.get $first)) (local.get $bytes))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $tap (i32.add (local.get $tap) (i32.const 1)))
        (br $tapLoop))))

  ;; One output pixel of a depthwise convolution (channel multiplier 1): lane = channel.
  ;; $x: the layer's input, int16 NHWC, with 16 readable bytes past its end.
  ;; $taps: $tapCount int32 byte offsets into $x of each tap's pixel, -1 for a padded tap.
  ;; $w: the weights [tap][8 * $blocks lanes] int16 (channels past the layer's hold 0).
  ;; $zeros: per lane, the products that were 0 (padded taps are the caller's to count).
  (func $depthwise
    (param $x i32) (param $taps i32) (param $tapCount i32) (param $w i32) (param $blocks i32) (param $fold i32)
    (param $bias i32) (param $sum i32) (param $low i32) (param $high i32) (param $zeros i32)
    (local $block i32) (local $lane i32) (local $tap i32) (local $offset i32) (local $inFold i32) (local $rowBytes i32)
    (local $a0 v128) (local $a1 v128) (local $p0 v128) (local $p1 v128)
    (local $lo0 v128) (local $lo1 v128) (local $hi0 v128) (local $hi1 v128)
    (local $z0 v128) (local $z1 v128) (local $q0 v128) (local $q1 v128)
    (local $xv v128) (local $wv v128)
    (local.set $rowBytes (i32.shl (local.get $blocks) (i32.const 4)))
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (local.set $lane (i32.shl (local.get $block) (i32.const 5)))
        (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $lane))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $lane))))
        (local.set $lo0 (local.get $a0))
        (local.set $lo1 (local.get $a1))
        (local.set $hi0 (local.get $a0))
        (local.set $hi1 (local.get $a1))
        (local.set $z0 (v128.const i32x4 0 0 0 0))
        (local.set $z1 (v128.const i32x4 0 0 0 0))
        (local.set $p0 (v128.const i32x4 0 0 0 0))
        (local.set $p1 (v128.const i32x4 0 0 0 0))
        (local.set $inFold (i32.const 0))
        (local.set $tap (i32.const 0))
        (block $tapsDone
          (loop $tapLoop
            (br_if $tapsDone (i32.ge_u (local.get $tap) (local.get $tapCount)))
            (local.set $offset (i32.load (i32.add (local.get $taps) (i32.shl (local.get $tap) (i32.const 2)))))
            (if (i32.ge_s (local.get $offset) (i32.const 0))
              (then
                (local.set $xv (v128.load (i32.add (i32.add (local.get $x) (local.get $offset)) (i32.shl (local.get $block) (i32.const 4)))))
                (local.set $wv
                  (v128.load
                    (i32.add (i32.add (local.get $w) (i32.mul (local.get $tap) (local.get $rowBytes))) (i32.shl (local.get $block) (i32.const 4)))))
                (local.set $q0 (i32x4.extmul_low_i16x8_s (local.get $wv) (local.get $xv)))
                (local.set $q1 (i32x4.extmul_high_i16x8_s (local.get $wv) (local.get $xv)))
                (local.set $z0 (i32x4.sub (local.get $z0) (i32x4.eq (local.get $q0) (v128.const i32x4 0 0 0 0))))
                (local.set $z1 (i32x4.sub (local.get $z1) (i32x4.eq (local.get $q1) (v128.const i32x4 0 0 0 0))))
                (if (i32.eqz (local.get $fold))
                  (then
                    (local.set $a0 (i32x4.add (local.get $a0) (local.get $q0)))
                    (local.set $a1 (i32x4.add (local.get $a1) (local.get $q1)))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1))))
                  (else
                    (local.set $p0 (i32x4.add (local.get $p0) (local.get $q0)))
                    (local.set $p1 (i32x4.add (local.get $p1) (local.get $q1)))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $p0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $p1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $p0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $p1)))))))
            (local.set $tap (i32.add (local.get $tap) (i32.const 1)))
            (if (i32.ne (local.get $fold) (i32.const 0))
              (then
                (local.set $inFold (i32.add (local.get $inFold) (i32.const 1)))
                (if (i32.or (i32.eq (local.get $inFold) (local.get $fold)) (i32.eq (local.get $tap) (local.get $tapCount)))
                  (then
                    (local.set $a0 (i32x4.add (local.get $a0) (local.get $p0)))
                    (local.set $a1 (i32x4.add (local.get $a1) (local.get $p1)))
                    (local.set $lo0 (i32x4.min_s (local.get $lo0) (local.get $a0)))
                    (local.set $lo1 (i32x4.min_s (local.get $lo1) (local.get $a1)))
                    (local.set $hi0 (i32x4.max_s (local.get $hi0) (local.get $a0)))
                    (local.set $hi1 (i32x4.max_s (local.get $hi1) (local.get $a1)))
                    (local.set $p0 (v128.const i32x4 0 0 0 0))
                    (local.set $p1 (v128.const i32x4 0 0 0 0))
                    (local.set $inFold (i32.const 0))))))
            (br $tapLoop)))
        (v128.store (i32.add (local.get $sum) (local.get $lane)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $sum) (local.get $lane)) (local.get $a1))
        (v128.store (i32.add (local.get $low) (local.get $lane)) (local.get $lo0))
        (v128.store offset=16 (i32.add (local.get $low) (local.get $lane)) (local.get $lo1))
        (v128.store (i32.add (local.get $high) (local.get $lane)) (local.get $hi0))
        (v128.store offset=16 (i32.add (local.get $high) (local.get $lane)) (local.get $hi1))
        (v128.store (i32.add (local.get $zeros) (local.get $lane)) (local.get $z0))
        (v128.store offset=16 (i32.add (local.get $zeros) (local.get $lane)) (local.get $z1))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))
;; ---- Requantization of the lanes, TFLite's integer modes (numeric/tflite.ts is the definition) ----

  ;; Extremes over the outputs finish() took: the final sums and every value the lanes produced.
  (global $finalLow (mut i32) (i32.const 0))
  (global $finalHigh (mut i32) (i32.const 0))
  (global $partialLow (mut i32) (i32.const 0))
  (global $partialHigh (mut i32) (i32.const 0))
  (func (export "resetExtremes")
    (global.set $finalLow (i32.const 0))
    (global.set $finalHigh (i32.const 0))
    (global.set $partialLow (i32.const 0))
    (global.set $partialHigh (i32.const 0)))
  (func (export "finalLow") (result i32) (global.get $finalLow))
  (func (export "finalHigh") (result i32) (global.get $finalHigh))
  (func (export "partialLow") (result i32) (global.get $partialLow))
  (func (export "partialHigh") (result i32) (global.get $partialHigh))

  ;; gemmlowp's SaturatingRoundingDoublingHighMul: floor((a*b + 2^30) / 2^31), which equals its
  ;; nudge-and-truncate form, and INT32_MAX for INT32_MIN * INT32_MIN.
  (func $srdhm (param $a i32) (param $b i32) (result i32)
    (if (i32.and (i32.eq (local.get $a) (i32.const 0x80000000)) (i32.eq (local.get $b) (i32.const 0x80000000)))
      (then (return (i32.const 0x7fffffff))))
    (i32.wrap_i64
      (i64.shr_s
        (i64.add (i64.mul (i64.extend_i32_s (local.get $a)) (i64.extend_i32_s (local.get $b))) (i64.const 0x40000000))
        (i64.const 31))))

  ;; gemmlowp's RoundingDivideByPOT: half away from zero, exponent 0..31.
  (func $rdbpot (param $x i32) (param $exponent i32) (result i32)
    (local $mask i32)
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $exponent)) (i32.const 1)))
    (if (i32.eq (local.get $exponent) (i32.const 31)) (then (local.set $mask (i32.const 0x7fffffff))))
    (i32.add
      (i32.shr_s (local.get $x) (local.get $exponent))
      (i32.gt_s
        (i32.and (local.get $x) (local.get $mask))
        (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $x) (i32.const 0))))))

  ;; MultiplyByQuantizedMultiplier, default build: RDBPOT(SRDHM(x << max(shift, 0), m), max(-shift, 0)),
  ;; the left shift wrapping in int32. Widened to int64 for the zero point's add.
  (func $mbqmDouble (param $x i32) (param $m i32) (param $shift i32) (result i64)
    (local $left i32) (local $right i32)
    (if (i32.gt_s (local.get $shift) (i32.const 0))
      (then (local.set $left (local.get $shift)))
      (else (local.set $right (i32.sub (i32.const 0) (local.get $shift)))))
    (i64.extend_i32_s (call $rdbpot (call $srdhm (i32.shl (local.get $x) (local.get $left)) (local.get $m)) (local.get $right))))

  ;; TFLITE_SINGLE_ROUNDING: (x*m + 2^(30-shift)) >> (31-shift) on the exact 64-bit product.
  (func $mbqmSingle (param $x i32) (param $m i32) (param $shift i32) (result i64)
    (local $total i64)
    (local.set $total (i64.extend_i32_s (i32.sub (i32.const 31) (local.get $shift))))
    (i64.shr_s
      (i64.add
        (i64.mul (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (local.get $m)))
        (i64.shl (i64.const 1) (i64.sub (local.get $total) (i64.const 1))))
      (local.get $total)))

  (func $clamp (param $value i32) (param $low i32) (param $high i32) (result i32)
    (if (i32.lt_s (local.get $value) (local.get $low)) (then (return (local.get $low))))
    (if (i32.gt_s (local.get $value) (local.get $high)) (then (return (local.get $high))))
    (local.get $value))

  ;; An int64 saturated to int32: every bound it is compared with lies inside int32, so no
  ;; comparison changes its outcome.
  (func $saturate32 (param $value i64) (result i32)
    (if (i64.lt_s (local.get $value) (i64.const -2147483648)) (then (return (i32.const 0x80000000))))
    (if (i64.gt_s (local.get $value) (i64.const 2147483647)) (then (return (i32.const 0x7fffffff))))
    (i32.wrap_i64 (local.get $value)))

;; The current finish() call's arguments, for the one-lane path.
  (global $sum (mut i32) (i32.const 0))
  (global $low (mut i32) (i32.const 0))
  (global $high (mut i32) (i32.const 0))
  (global $multipliers (mut i32) (i32.const 0))
  (global $shifts (mut i32) (i32.const 0))
  (global $kind (mut i32) (i32.const 0))
  (global $rounding (mut i32) (i32.const 0))
  (global $registerMin (mut i32) (i32.const 0))
  (global $registerMax (mut i32) (i32.const 0))
  (global $zeroPoint (mut i32) (i32.const 0))
  (global $activationMin (mut i32) (i32.const 0))
  (global $activationMax (mut i32) (i32.const 0))
  (global $boundLow (mut i32) (i32.const 0))
  (global $boundHigh (mut i32) (i32.const 0))
  (global $typeMin (mut i32) (i32.const 0))
  (global $typeMax (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0))
  (global $acc (mut i32) (i32.const 0))
  (global $status (mut i32) (i32.const 0))

  ;; One lane, as finish() describes; returns 1 when its status is not 0.
  (func $finishLane (param $lane i32) (result i32)
    (local $byte i32) (local $lo i32) (local $hi i32) (local $value i32) (local $raw i32) (local $activated i32)
    (local $multiplier i32) (local $shift i32) (local $code i32) (local $hvx i32)
    (local.set $byte (i32.shl (local.get $lane) (i32.const 2)))
    (local.set $lo (i32.load (i32.add (global.get $low) (local.get $byte))))
    (local.set $hi (i32.load (i32.add (global.get $high) (local.get $byte))))
    (if (i32.or (i32.lt_s (local.get $lo) (global.get $registerMin)) (i32.gt_s (local.get $hi) (global.get $registerMax)))
      (then
        (i32.store (i32.add (global.get $status) (local.get $byte)) (i32.const 1))
        (return (i32.const 1))))
    (local.set $value (i32.load (i32.add (global.get $sum) (local.get $byte))))
    (if (i32.lt_s (local.get $lo) (global.get $partialLow)) (then (global.set $partialLow (local.get $lo))))
    (if (i32.gt_s (local.get $hi) (global.get $partialHigh)) (then (global.set $partialHigh (local.get $hi))))
    (if (i32.lt_s (local.get $value) (global.get $finalLow)) (then (global.set $finalLow (local.get $value))))
    (if (i32.gt_s (local.get $value) (global.get $finalHigh)) (then (global.set $finalHigh (local.get $value))))
    (f64.store (i32.add (global.get $acc) (i32.shl (local.get $lane) (i32.const 3))) (f64.convert_i32_s (local.get $value)))
    (local.set $multiplier (i32.load (i32.add (global.get $multipliers) (local.get $byte))))
    (local.set $shift (i32.load (i32.add (global.get $shifts) (local.get $byte))))
    (local.set $code (i32.const 0))
    ;; The counter is the output's flat index.
    (if (i32.eq (global.get $rounding) (i32.const 5))
      (then (global.set $bits (call $stochasticBits (i32.add (global.get $counterBase) (local.get $lane))))))
    (local.set $raw
      (call $saturate32
        (i64.add
          (if (result i64) (i32.eq (global.get $kind) (i32.const 0))
            (then (call $mbqmDouble (local.get $value) (local.get $multiplier) (local.get $shift)))
            (else
              (if (result i64) (i32.eq (global.get $kind) (i32.const 1))
                (then (call $mbqmSingle (local.get $value) (local.get $multiplier) (local.get $shift)))
                (else
                  (if (result i64) (i32.eq (global.get $kind) (i32.const 5))
                    (then (call $mbqm64 (i64.extend_i32_s (local.get $value)) (local.get $multiplier) (local.get $shift)))
                    (else
                  (if (result i64) (i32.eq (global.get $kind) (i32.const 2))
                    (then
                      ;; hvx adds its zero point itself, saturating to int16: its result is final.
                      (local.set $hvx (call $hvx (local.get $value) (local.get $multiplier) (local.get $shift)))
                      (if (global.get $hvxSaturated) (then (local.set $code (i32.const 4))))
                      (i64.sub (i64.extend_i32_s (local.get $hvx)) (i64.extend_i32_s (global.get $zeroPoint))))
                    (else
                      (if (result i64) (i32.eq (global.get $kind) (i32.const 3))
                        (then (call $shiftOnly (local.get $value) (local.get $shift)))
                        (else
                          (i64.extend_i32_s
                            (i32.trunc_sat_f32_s
                              (f32.nearest (f32.mul (f32.convert_i32_s (local.get $value)) (f32.reinterpret_i32 (local.get $multiplier))))))))))))))))
          (i64.extend_i32_s (global.get $zeroPoint)))))
    (call $finishTail (local.get $byte) (local.get $raw) (local.get $code)))

  ;; The clamps and the status of a lane whose requantized value (zero point added) is $raw; $code
  ;; holds the events so far. Returns 1 when the status is not 0.
  (func $finishTail (param $byte i32) (param $raw i32) (param $code i32) (result i32)
    (local $activated i32)
    (i32.store
      (i32.add (global.get $out) (local.get $byte))
      (call $clamp (local.get $raw) (global.get $activationMin) (global.get $activationMax)))
    (local.set $activated (call $clamp (local.get $raw) (global.get $boundLow) (global.get $boundHigh)))
    (if (i32.or (i32.lt_s (local.get $activated) (global.get $typeMin)) (i32.gt_s (local.get $activated) (global.get $typeMax)))
      (then (local.set $code (i32.or (local.get $code) (i32.const 2)))))
    (i32.store (i32.add (global.get $status) (local.get $byte)) (local.get $code))
    (i32.ne (local.get $code) (i32.const 0)))

  ;; TFLite's int64 MultiplyByQuantizedMultiplier (16x8): (x * rm + 2^(14 - shift)) >> (15 - shift),
  ;; rm the multiplier already reduced to 16 bits, shift -31..7, |x| < 2^47 (numeric/tflite.ts mbqm64).
  (func $mbqm64 (param $x i64) (param $reduced i32) (param $shift i32) (result i64)
    (local $total i64)
    (local.set $total (i64.extend_i32_s (i32.sub (i32.const 15) (local.get $shift))))
    (i64.shr_s
      (i64.add (i64.mul (local.get $x) (i64.extend_i32_s (local.get $reduced))) (i64.shl (i64.const 1) (i64.sub (local.get $total) (i64.const 1))))
      (local.get $total)))

  ;; Wide lanes' extremes (float64) and register (its exact bounds); $int32Input: the mode takes an
  ;; int32 accumulator, so the sum is saturated to int32 first (status bit 8 when that changed it).
  (global $wideRegisterMin (mut f64) (f64.const 0))
  (global $wideRegisterMax (mut f64) (f64.const 0))
  (global $wideFinalLow (mut f64) (f64.const 0))
  (global $wideFinalHigh (mut f64) (f64.const 0))
  (global $widePartialLow (mut f64) (f64.const 0))
  (global $widePartialHigh (mut f64) (f64.const 0))
  (global $int32Input (mut i32) (i32.const 0))
  (func (export "setWide") (param $registerMin f64) (param $registerMax f64) (param $int32 i32)
    (global.set $wideRegisterMin (local.get $registerMin))
    (global.set $wideRegisterMax (local.get $registerMax))
    (global.set $int32Input (local.get $int32))
    (global.set $wideFinalLow (f64.const 0))
    (global.set $wideFinalHigh (f64.const 0))
    (global.set $widePartialLow (f64.const 0))
    (global.set $widePartialHigh (f64.const 0)))
  (func (export "wideFinalLow") (result f64) (global.get $wideFinalLow))
  (func (export "wideFinalHigh") (result f64) (global.get $wideFinalHigh))
  (func (export "widePartialLow") (result f64) (global.get $widePartialLow))
  (func (export "widePartialHigh") (result f64) (global.get $widePartialHigh))

  ;; One wide lane (float64 sum and extremes at 8 bytes a lane), kinds 0, 1 and 5 only.
  (func $finishWideLane (param $lane i32) (result i32)
    (local $byte i32) (local $at i32) (local $lo f64) (local $hi f64) (local $value f64) (local $x i64) (local $narrow i32)
    (local $code i32) (local $multiplier i32) (local $shift i32)
    (local.set $byte (i32.shl (local.get $lane) (i32.const 2)))
    (local.set $at (i32.shl (local.get $lane) (i32.const 3)))
    (local.set $lo (f64.load (i32.add (global.get $low) (local.get $at))))
    (local.set $hi (f64.load (i32.add (global.get $high) (local.get $at))))
    (if (i32.or (f64.lt (local.get $lo) (global.get $wideRegisterMin)) (f64.gt (local.get $hi) (global.get $wideRegisterMax)))
      (then
        (i32.store (i32.add (global.get $status) (local.get $byte)) (i32.const 1))
        (return (i32.const 1))))
    (local.set $value (f64.load (i32.add (global.get $sum) (local.get $at))))
    (if (f64.lt (local.get $lo) (global.get $widePartialLow)) (then (global.set $widePartialLow (local.get $lo))))
    (if (f64.gt (local.get $hi) (global.get $widePartialHigh)) (then (global.set $widePartialHigh (local.get $hi))))
    (if (f64.lt (local.get $value) (global.get $wideFinalLow)) (then (global.set $wideFinalLow (local.get $value))))
    (if (f64.gt (local.get $value) (global.get $wideFinalHigh)) (then (global.set $wideFinalHigh (local.get $value))))
    (f64.store (i32.add (global.get $acc) (local.get $at)) (local.get $value))
    (local.set $x (i64.trunc_sat_f64_s (local.get $value)))
    (if (global.get $int32Input)
      (then
        (local.set $narrow (i32.trunc_sat_f64_s (local.get $value)))
        (if (f64.ne (f64.convert_i32_s (local.get $narrow)) (local.get $value)) (then (local.set $code (i32.const 8))))
        (local.set $x (i64.extend_i32_s (local.get $narrow)))))
    (local.set $multiplier (i32.load (i32.add (global.get $multipliers) (local.get $byte))))
    (local.set $shift (i32.load (i32.add (global.get $shifts) (local.get $byte))))
    (call $finishTail
      (local.get $byte)
      (call $saturate32
        (i64.add
          (if (result i64) (i32.eq (global.get $kind) (i32.const 5))
            (then (call $mbqm64 (local.get $x) (local.get $multiplier) (local.get $shift)))
            (else
              (if (result i64) (i32.eq (global.get $kind) (i32.const 1))
                (then (call $mbqmSingle (i32.wrap_i64 (local.get $x)) (local.get $multiplier) (local.get $shift)))
                (else (call $mbqmDouble (i32.wrap_i64 (local.get $x)) (local.get $multiplier) (local.get $shift))))))
          (i64.extend_i32_s (global.get $zeroPoint))))
      (local.get $code)))

  ;; x / 2^s for int32 x and s in 0..31 under rounding mode $rounding: 0 floor, 1 trunc, 2 half-up,
  ;; 3 half-away, 4 half-even (numeric/rounding.ts's roundShiftRight is the definition).
  (func $roundShift (param $x i32) (param $s i32) (result i32)
    (local $q i32) (local $r i32) (local $half i32) (local $mode i32)
    (if (i32.eqz (local.get $s)) (then (return (local.get $x))))
    (local.set $q (i32.shr_s (local.get $x) (local.get $s)))
    (local.set $r
      (i32.and
        (local.get $x)
        (if (result i32) (i32.eq (local.get $s) (i32.const 31))
          (then (i32.const 0x7fffffff))
          (else (i32.sub (i32.shl (i32.const 1) (local.get $s)) (i32.const 1))))))
    (local.set $half (i32.shl (i32.const 1) (i32.sub (local.get $s) (i32.const 1))))
    (local.set $mode (global.get $rounding))
    ;; 5, stochastic: up iff u < r, u the top s bits of the lane's 64 random bits (numeric/stochastic.ts).
    (if (i32.eq (local.get $mode) (i32.const 5))
      (then
        (return
          (i32.add
            (local.get $q)
            (i64.lt_u
              (i64.shr_u (global.get $bits) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $s))))
              (i64.extend_i32_u (local.get $r)))))))
    (i32.add
      (local.get $q)
      (if (result i32) (i32.eqz (local.get $mode))
        (then (i32.const 0))
        (else
          (if (result i32) (i32.eq (local.get $mode) (i32.const 1))
            (then (i32.and (i32.lt_s (local.get $x) (i32.const 0)) (i32.ne (local.get $r) (i32.const 0))))
            (else
              (if (result i32) (i32.eq (local.get $mode) (i32.const 2))
                (then (i32.ge_s (local.get $r) (local.get $half)))
                (else
                  (i32.or
                    (i32.gt_s (local.get $r) (local.get $half))
                    (i32.and
                      (i32.eq (local.get $r) (local.get $half))
                      (if (result i32) (i32.eq (local.get $mode) (i32.const 3))
                        (then (i32.ge_s (local.get $x) (i32.const 0)))
                        (else (i32.and (local.get $q) (i32.const 1))))))))))))))

  (global $hvxSaturated (mut i32) (i32.const 0))

  ;; Stochastic rounding: the site's premixed base and the current lane's 64 random bits.
  (global $siteBase (mut i64) (i64.const 0))
  (global $counterBase (mut i32) (i32.const 0))
  (global $bits (mut i64) (i64.const 0))

  ;; numeric/stochastic.ts's stochasticBits: splitmix64's finalizer of base + counter * 0xD1B54A32D192ED03.
  (func $stochasticBits (param $counter i32) (result i64)
    (local $z i64)
    (local.set $z (i64.add (global.get $siteBase) (i64.mul (i64.extend_i32_u (local.get $counter)) (i64.const 0xD1B54A32D192ED03))))
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30))) (i64.const 0xBF58476D1CE4E5B9)))
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27))) (i64.const 0x94D049BB133111EB)))
    (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))

  (func $saturate16 (param $value i32) (result i32)
    (global.set $hvxSaturated
      (i32.or (global.get $hvxSaturated) (i32.or (i32.lt_s (local.get $value) (i32.const -32768)) (i32.gt_s (local.get $value) (i32.const 32767)))))
    (call $clamp (local.get $value) (i32.const -32768) (i32.const 32767)))

  ;; npusim's HVX pipeline (numeric/requant.ts requantHvx is the definition): saturating left shift
  ;; to int32, SRDHM, a rounding pre-shift past 15, the rounding narrowing with int16 saturation,
  ;; the zero point added with int16 saturation. $hvxSaturated says whether either saturated.
  (func $hvx (param $x i32) (param $m i32) (param $shift i32) (result i32)
    (local $right i32) (local $product i32)
    (global.set $hvxSaturated (i32.const 0))
    (if (i32.gt_s (local.get $shift) (i32.const 0))
      (then (local.set $x (call $saturate32 (i64.shl (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (local.get $shift))))))
      (else (local.set $right (i32.sub (i32.const 0) (local.get $shift)))))
    (local.set $product (call $srdhm (local.get $x) (local.get $m)))
    (if (i32.gt_s (local.get $right) (i32.const 15))
      (then
        (local.set $product (call $roundShift (local.get $product) (i32.sub (local.get $right) (i32.const 15))))
        (local.set $right (i32.const 15))))
    (call $saturate16
      (i32.add (call $saturate16 (call $roundShift (local.get $product) (local.get $right))) (global.get $zeroPoint))))

  ;; shift-only: a right shift under $rounding (0..31), or an exact left shift for -32..-1.
  (func $shiftOnly (param $x i32) (param $shift i32) (result i64)
    (if (result i64) (i32.ge_s (local.get $shift) (i32.const 0))
      (then (i64.extend_i32_s (call $roundShift (local.get $x) (local.get $shift))))
      (else (i64.shl (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (i32.sub (i32.const 0) (local.get $shift)))))))

  ;; The low words of two i64x2 as one i32x4.
  (func $lowWords (param $a v128) (param $b v128) (result v128)
    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))

  ;; Finishes $count lanes of one call: where a lane's extremes stayed inside the accumulator
  ;; [$registerMin, $registerMax] (its range intersected with int32's), its sum is the accumulator,
  ;; which is requantized by $requantKind (0 TFLite's default build and gemmlowp, 1 TFLite's
  ;; single rounding, 2 hvx, 3 shift-only, 4 ort-float; hvx and shift-only round by
  ;; $roundingMode), offset by $zeroPoint, clamped to [$activationMin, $activationMax] into $out
  ;; (int32 per lane), with the accumulator into $acc (float64 per lane). $status per lane, a bit
  ;; set: 1 for the caller to redo one add at a time (nothing written); else 2 when the value after
  ;; the activation's own bounds [$boundLow, $boundHigh] (saturated to int32) left
  ;; [$typeMin, $typeMax], 4 when the HVX pipeline saturated. Returns how many lanes are not 0.
  ;; The default build runs four lanes at a time with per-channel $leftFactors (2^max(shift, 0)),
  ;; $rightMasks (2^max(-shift, 0) - 1) and $rightFactors (int64 2^(32 - max(-shift, 0)): the
  ;; floor of x / 2^r is the high word of x * 2^(32 - r)); four lanes that need a redo, or whose
  ;; requantized value is within 2^16 of int32's ends (the zero point's add must not wrap), take the
  ;; one-lane path, which every other mode takes.
  (func $finish
    (param $count i32) (param $sumAt i32) (param $lowAt i32) (param $highAt i32) (param $multipliersAt i32) (param $shiftsAt i32)
    (param $requantKind i32) (param $registerMinimum i32) (param $registerMaximum i32) (param $zero i32)
    (param $activationMinimum i32) (param $activationMaximum i32) (param $boundLowest i32) (param $boundHighest i32)
    (param $typeMinimum i32) (param $typeMaximum i32) (param $outAt i32) (param $accAt i32) (param $statusAt i32)
    (param $leftFactors i32) (param $rightMasks i32) (param $rightFactors i32) (param $roundingMode i32) (param $wide i32)
    (param $firstOutput i32)
    (result i32)
    (local $lane i32) (local $byte i32) (local $attention i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $a v128) (local $m v128) (local $x v128) (local $mask v128)
    (local $q v128) (local $raw v128) (local $clip v128)
    (local $partialLo v128) (local $partialHi v128) (local $finalLo v128) (local $finalHi v128) (local $reduced i32)
    (global.set $sum (local.get $sumAt))
    (global.set $low (local.get $lowAt))
    (global.set $high (local.get $highAt))
    (global.set $multipliers (local.get $multipliersAt))
    (global.set $shifts (local.get $shiftsAt))
    (global.set $kind (local.get $requantKind))
    (global.set $registerMin (local.get $registerMinimum))
    (global.set $registerMax (local.get $registerMaximum))
    (global.set $zeroPoint (local.get $zero))
    (global.set $activationMin (local.get $activationMinimum))
    (global.set $activationMax (local.get $activationMaximum))
    (global.set $boundLow (local.get $boundLowest))
    (global.set $boundHigh (local.get $boundHighest))
    (global.set $typeMin (local.get $typeMinimum))
    (global.set $typeMax (local.get $typeMaximum))
    (global.set $out (local.get $outAt))
    (global.set $acc (local.get $accAt))
    (global.set $status (local.get $statusAt))
    (global.set $rounding (local.get $roundingMode))
    (global.set $counterBase (local.get $firstOutput))
    (local.set $partialLo (i32x4.splat (global.get $partialLow)))
    (local.set $partialHi (i32x4.splat (global.get $partialHigh)))
    (local.set $finalLo (i32x4.splat (global.get $finalLow)))
    (local.set $finalHi (i32x4.splat (global.get $finalHigh)))
    (if (local.get $wide)
      (then
        (block $wideDone
          (loop $wideLanes
            (br_if $wideDone (i32.ge_u (local.get $lane) (local.get $count)))
            (local.set $attention (i32.add (local.get $attention) (call $finishWideLane (local.get $lane))))
            (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
            (br $wideLanes)))
        (return (local.get $attention))))
    (if (i32.eqz (local.get $requantKind))
      (then
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.gt_u (i32.add (local.get $lane) (i32.const 4)) (local.get $count)))
            (local.set $byte (i32.shl (local.get $lane) (i32.const 2)))
            (local.set $v (v128.load (i32.add (local.get $sumAt) (local.get $byte))))
            (local.set $lo (v128.load (i32.add (local.get $lowAt) (local.get $byte))))
            (local.set $hi (v128.load (i32.add (local.get $highAt) (local.get $byte))))
            ;; SRDHM(x << left, m), then RDBPOT by right, as in $mbqmDouble.
            (local.set $a (i32x4.mul (local.get $v) (v128.load (i32.add (local.get $leftFactors) (local.get $byte)))))
            (local.set $m (v128.load (i32.add (local.get $multipliersAt) (local.get $byte))))
            (local.set $x
              (call $lowWords
                (i64x2.shr_s (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $m)) (i64x2.splat (i64.const 0x40000000))) (i32.const 31))
                (i64x2.shr_s (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $m)) (i64x2.splat (i64.const 0x40000000))) (i32.const 31))))
            (local.set $x
              (v128.bitselect
                (i32x4.splat (i32.const 0x7fffffff))
                (local.get $x)
                (v128.and
                  (i32x4.eq (local.get $a) (i32x4.splat (i32.const 0x80000000)))
                  (i32x4.eq (local.get $m) (i32x4.splat (i32.const 0x80000000))))))
            (local.set $mask (v128.load (i32.add (local.get $rightMasks) (local.get $byte))))
            (local.set $q
              (call $lowWords
                (i64x2.shr_s
                  (i64x2.mul (i64x2.extend_low_i32x4_s (local.get $x)) (v128.load (i32.add (local.get $rightFactors) (i32.shl (local.get $lane) (i32.const 3)))))
                  (i32.const 32))
                (i64x2.shr_s
                  (i64x2.mul (i64x2.extend_high_i32x4_s (local.get $x)) (v128.load offset=16 (i32.add (local.get $rightFactors) (i32.shl (local.get $lane) (i32.const 3)))))
                  (i32.const 32))))
            (local.set $q
              (i32x4.sub
                (local.get $q)
                (i32x4.gt_s
                  (v128.and (local.get $x) (local.get $mask))
                  (i32x4.sub (i32x4.shr_u (local.get $mask) (i32.const 1)) (i32x4.lt_s (local.get $x) (v128.const i32x4 0 0 0 0))))))
            (if (i32.or
                  (v128.any_true
                    (v128.or
                      (i32x4.lt_s (local.get $lo) (i32x4.splat (local.get $registerMinimum)))
                      (i32x4.gt_s (local.get $hi) (i32x4.splat (local.get $registerMaximum)))))
                  (v128.any_true
                    (v128.or
                      (i32x4.lt_s (local.get $q) (i32x4.splat (i32.const -2147418112)))
                      (i32x4.gt_s (local.get $q) (i32x4.splat (i32.const 2147418111))))))
              (then
                (local.set $attention (i32.add (local.get $attention) (call $finishLane (local.get $lane))))
                (local.set $attention (i32.add (local.get $attention) (call $finishLane (i32.add (local.get $lane) (i32.const 1)))))
                (local.set $attention (i32.add (local.get $attention) (call $finishLane (i32.add (local.get $lane) (i32.const 2)))))
                (local.set $attention (i32.add (local.get $attention) (call $finishLane (i32.add (local.get $lane) (i32.const 3))))))
              (else
                (local.set $partialLo (i32x4.min_s (local.get $partialLo) (local.get $lo)))
                (local.set $partialHi (i32x4.max_s (local.get $partialHi) (local.get $hi)))
                (local.set $finalLo (i32x4.min_s (local.get $finalLo) (local.get $v)))
                (local.set $finalHi (i32x4.max_s (local.get $finalHi) (local.get $v)))
                (v128.store (i32.add (local.get $accAt) (i32.shl (local.get $lane) (i32.const 3))) (f64x2.convert_low_i32x4_s (local.get $v)))
                (v128.store offset=16
                  (i32.add (local.get $accAt) (i32.shl (local.get $lane) (i32.const 3)))
                  (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
                (local.set $raw (i32x4.add (local.get $q) (i32x4.splat (local.get $zero))))
                (v128.store
                  (i32.add (local.get $outAt) (local.get $byte))
                  (i32x4.min_s (i32x4.max_s (local.get $raw) (i32x4.splat (local.get $activationMinimum))) (i32x4.splat (local.get $activationMaximum))))
                (local.set $raw (i32x4.min_s (i32x4.max_s (local.get $raw) (i32x4.splat (local.get $boundLowest))) (i32x4.splat (local.get $boundHighest))))
                (local.set $clip
                  (v128.or
                    (i32x4.lt_s (local.get $raw) (i32x4.splat (local.get $typeMinimum)))
                    (i32x4.gt_s (local.get $raw) (i32x4.splat (local.get $typeMaximum)))))
                (v128.store (i32.add (local.get $statusAt) (local.get $byte)) (v128.and (local.get $clip) (i32x4.splat (i32.const 2))))
                (local.set $attention (i32.add (local.get $attention) (i32.popcnt (i32x4.bitmask (local.get $clip)))))))
            (local.set $lane (i32.add (local.get $lane) (i32.const 4)))
            (br $vectors)))))
    (call $reduceExtremes (local.get $partialLo) (local.get $partialHi) (local.get $finalLo) (local.get $finalHi))
    (block $done
      (loop $lanes
        (br_if $done (i32.ge_u (local.get $lane) (local.get $count)))
        (local.set $attention (i32.add (local.get $attention) (call $finishLane (local.get $lane))))
        (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
        (br $lanes)))
    (local.get $attention))

  ;; Folds the vector extremes into the globals (the one-lane path keeps them there itself).
  (func $reduceExtremes (param $partialLo v128) (param $partialHi v128) (param $finalLo v128) (param $finalHi v128)
    (global.set $partialLow (call $min4 (local.get $partialLo) (global.get $partialLow)))
    (global.set $partialHigh (call $max4 (local.get $partialHi) (global.get $partialHigh)))
    (global.set $finalLow (call $min4 (local.get $finalLo) (global.get $finalLow)))
    (global.set $finalHigh (call $max4 (local.get $finalHi) (global.get $finalHigh))))

  (func $min4 (param $v v128) (param $start i32) (result i32)
    (local $m v128)
    (local.set $m (i32x4.min_s (local.get $v) (i32x4.splat (local.get $start))))
    (local.set $m (i32x4.min_s (local.get $m) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m))))
    (local.set $m (i32x4.min_s (local.get $m) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $m) (local.get $m))))
    (i32x4.extract_lane 0 (local.get $m)))

  (func $max4 (param $v v128) (param $start i32) (result i32)
    (local $m v128)
    (local.set $m (i32x4.max_s (local.get $v) (i32x4.splat (local.get $start))))
    (local.set $m (i32x4.max_s (local.get $m) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m))))
    (local.set $m (i32x4.max_s (local.get $m) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $m) (local.get $m))))
    (i32x4.extract_lane 0 (local.get $m)))
;; ---- Whole layers: the pixel loop, so that no pixel costs a call from JavaScript ----

  ;; MACs with a zero operand (padded taps included) over the rows layerRows() ran since the reset.
  (global $zeroMacs (mut i64) (i64.const 0))
  (func (export "resetZeroMacs") (global.set $zeroMacs (i64.const 0)))
  (func (export "zeroMacs") (result f64) (f64.convert_i64_u (global.get $zeroMacs)))

  (func $word (param $base i32) (param $index i32) (result i32)
    (i32.load (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 2)))))

  ;; Output rows [$rowStart, $rowEnd) (row = n * outHeight + oh) of the layer described by the int32
  ;; words at $params (convLayer.ts writes them; LAYER_WORDS names each). Per pixel: the tap offsets,
  ;; dense (each group: its im2col row, or the input itself for a 1x1 tap, then $dense) or
  ;; $depthwise, the zero-operand count, then either finish() into the layer's outputs and
  ;; per-output status, or the lanes' sums and extremes copied out per output for the caller to
  ;; requantize. Returns how many outputs have a status other than 0.
  (func (export "layerRows") (param $params i32) (param $rowStart i32) (param $rowEnd i32) (result i32)
    (local $outHeight i32) (local $outWidth i32) (local $outChannels i32) (local $inHeight i32) (local $inWidth i32)
    (local $inChannels i32) (local $kernelHeight i32) (local $kernelWidth i32) (local $groupChannels i32) (local $groupOutputs i32)
    (local $groups i32) (local $depth i32) (local $blocks i32) (local $fold i32) (local $isDepthwise i32)
    (local $input i32) (local $weights i32) (local $bias i32) (local $row i32) (local $taps i32)
    (local $sum i32) (local $low i32) (local $high i32) (local $zeroLanes i32) (local $nonZero i32)
    (local $requantizes i32) (local $outputs i32) (local $acc i32) (local $status i32)
    (local $sumAll i32) (local $lowAll i32) (local $highAll i32)
    (local $rowIndex i32) (local $n i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ih i32) (local $iw i32)
    (local $tapCount i32) (local $padded i32) (local $pixelBase i32) (local $group i32) (local $x i32) (local $k i32) (local $pairs i64)
    (local $first i32) (local $lane i32) (local $attention i32) (local $offset i32) (local $zeros i64) (local $rowBytes i32)
    (local $wide i32) (local $mid i32) (local $int32Operands i32) (local $elementShift i32) (local $laneShift i32)
    (local.set $outHeight (call $word (local.get $params) (i32.const 4)))
    (local.set $outWidth (call $word (local.get $params) (i32.const 5)))
    (local.set $outChannels (call $word (local.get $params) (i32.const 6)))
    (local.set $inHeight (call $word (local.get $params) (i32.const 1)))
    (local.set $inWidth (call $word (local.get $params) (i32.const 2)))
    (local.set $inChannels (call $word (local.get $params) (i32.const 3)))
    (local.set $kernelHeight (call $word (local.get $params) (i32.const 7)))
    (local.set $kernelWidth (call $word (local.get $params) (i32.const 8)))
    (local.set $groupChannels (call $word (local.get $params) (i32.const 15)))
    (local.set $groupOutputs (call $word (local.get $params) (i32.const 16)))
    (local.set $groups (call $word (local.get $params) (i32.const 17)))
    (local.set $depth (call $word (local.get $params) (i32.const 18)))
    (local.set $blocks (call $word (local.get $params) (i32.const 19)))
    (local.set $fold (call $word (local.get $params) (i32.const 20)))
    (local.set $isDepthwise (call $word (local.get $params) (i32.const 21)))
    (local.set $input (call $word (local.get $params) (i32.const 22)))
    (local.set $weights (call $word (local.get $params) (i32.const 23)))
    (local.set $bias (call $word (local.get $params) (i32.const 24)))
    (local.set $row (call $word (local.get $params) (i32.const 25)))
    (local.set $taps (call $word (local.get $params) (i32.const 26)))
    (local.set $sum (call $word (local.get $params) (i32.const 27)))
    (local.set $low (call $word (local.get $params) (i32.const 28)))
    (local.set $high (call $word (local.get $params) (i32.const 29)))
    (local.set $zeroLanes (call $word (local.get $params) (i32.const 30)))
    (local.set $nonZero (call $word (local.get $params) (i32.const 31)))
    (local.set $requantizes (call $word (local.get $params) (i32.const 32)))
    (local.set $outputs (call $word (local.get $params) (i32.const 48)))
    (local.set $acc (call $word (local.get $params) (i32.const 49)))
    (local.set $status (call $word (local.get $params) (i32.const 50)))
    (local.set $sumAll (call $word (local.get $params) (i32.const 51)))
    (local.set $lowAll (call $word (local.get $params) (i32.const 52)))
    (local.set $highAll (call $word (local.get $params) (i32.const 53)))
    (local.set $wide (call $word (local.get $params) (i32.const 55)))
    (local.set $mid (call $word (local.get $params) (i32.const 58)))
    (local.set $int32Operands (i32.or (local.get $wide) (local.get $mid)))
    (global.set $siteBase
      (i64.or
        (i64.extend_i32_u (call $word (local.get $params) (i32.const 56)))
        (i64.shl (i64.extend_i32_u (call $word (local.get $params) (i32.const 57))) (i64.const 32))))
    ;; Narrow layers keep operands as int16 and lanes as int32; mid ones int32 and int32; wide ones int32 and float64.
    (local.set $elementShift (i32.add (i32.const 1) (local.get $int32Operands)))
    (local.set $laneShift (i32.add (i32.const 2) (local.get $wide)))
    (local.set $tapCount (i32.mul (local.get $kernelHeight) (local.get $kernelWidth)))
    (local.set $rowBytes (i32.shl (local.get $groupChannels) (local.get $elementShift)))
    (local.set $rowIndex (local.get $rowStart))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $rowIndex) (local.get $rowEnd)))
        (local.set $n (i32.div_u (local.get $rowIndex) (local.get $outHeight)))
        (local.set $oh (i32.rem_u (local.get $rowIndex) (local.get $outHeight)))
        (local.set $ow (i32.const 0))
        (block $pixelsDone
          (loop $pixels
            (br_if $pixelsDone (i32.ge_u (local.get $ow) (local.get $outWidth)))
            ;; The tap offsets: bytes into the input, -1 for a padded tap.
            (local.set $padded (i32.const 0))
            (local.set $kh (i32.const 0))
            (block $khDone
              (loop $khLoop
                (br_if $khDone (i32.ge_u (local.get $kh) (local.get $kernelHeight)))
                (local.set $ih
                  (i32.add
                    (i32.sub (i32.mul (local.get $oh) (call $word (local.get $params) (i32.const 9))) (call $word (local.get $params) (i32.const 13)))
                    (i32.mul (local.get $kh) (call $word (local.get $params) (i32.const 11)))))
                (local.set $kw (i32.const 0))
                (block $kwDone
                  (loop $kwLoop
                    (br_if $kwDone (i32.ge_u (local.get $kw) (local.get $kernelWidth)))
                    (local.set $iw
                      (i32.add
                        (i32.sub (i32.mul (local.get $ow) (call $word (local.get $params) (i32.const 10))) (call $word (local.get $params) (i32.const 14)))
                        (i32.mul (local.get $kw) (call $word (local.get $params) (i32.const 12)))))
                    (local.set $offset (i32.const -1))
                    (if (i32.and
                          (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $inHeight)))
                          (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $inWidth))))
                      (then
                        (local.set $offset
                          (i32.shl
                            (i32.mul
                              (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inHeight)) (local.get $ih)) (local.get $inWidth)) (local.get $iw))
                              (local.get $inChannels))
                            (local.get $elementShift))))
                      (else (local.set $padded (i32.add (local.get $padded) (i32.const 1)))))
                    (i32.store
                      (i32.add (local.get $taps) (i32.shl (i32.add (i32.mul (local.get $kh) (local.get $kernelWidth)) (local.get $kw)) (i32.const 2)))
                      (local.get $offset))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kwLoop)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $khLoop)))
            (local.set $pixelBase
              (i32.mul (i32.add (i32.mul (local.get $rowIndex) (local.get $outWidth)) (local.get $ow)) (local.get $outChannels)))
            (local.set $group (i32.const 0))
            (block $groupsDone
              (loop $groupLoop
                (br_if $groupsDone (i32.ge_u (local.get $group) (local.get $groups)))
                (local.set $zeros (i64.const 0))
                (if (local.get $isDepthwise)
                  (then
                    (if (local.get $wide)
                      (then
                        (call $depthwiseWide
                          (local.get $input) (local.get $taps) (local.get $tapCount) (local.get $weights) (local.get $blocks) (local.get $fold)
                          (local.get $bias) (local.get $sum) (local.get $low) (local.get $high) (local.get $zeroLanes)))
                      (else
                        (if (local.get $mid)
                          (then
                            (call $depthwiseMid
                              (local.get $input) (local.get $taps) (local.get $tapCount) (local.get $weights) (local.get $blocks) (local.get $fold)
                              (local.get $bias) (local.get $sum) (local.get $low) (local.get $high) (local.get $zeroLanes)))
                          (else
                            (call $depthwise
                              (local.get $input) (local.get $taps) (local.get $tapCount) (local.get $weights) (local.get $blocks) (local.get $fold)
                              (local.get $bias) (local.get $sum) (local.get $low) (local.get $high) (local.get $zeroLanes))))))
                    (local.set $zeros (i64.mul (i64.extend_i32_u (local.get $padded)) (i64.extend_i32_u (local.get $outChannels))))
                    (local.set $lane (i32.const 0))
                    (block $lanesDone
                      (loop $lanes
                        (br_if $lanesDone (i32.ge_u (local.get $lane) (local.get $outChannels)))
                        (local.set $zeros (i64.add (local.get $zeros) (i64.extend_i32_u (call $word (local.get $zeroLanes) (local.get $lane)))))
                        (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
                        (br $lanes))))
                  (else
                    (local.set $first (i32.mul (local.get $group) (local.get $rowBytes)))
                    (local.set $offset (i32.load (local.get $taps)))
                    (if (i32.and (i32.eq (local.get $tapCount) (i32.const 1)) (i32.ge_s (local.get $offset) (i32.const 0)))
                      (then (local.set $x (i32.add (i32.add (local.get $input) (local.get $offset)) (local.get $first))))
                      (else
                        ;; $gather copies twice its channel count in bytes: int32 rows have twice the bytes.
                        (call $gather
                          (local.get $input) (local.get $taps) (local.get $tapCount)
                          (i32.shl (local.get $groupChannels) (local.get $int32Operands)) (local.get $first) (local.get $row))
                        (local.set $x (local.get $row))))
                    (if (local.get $wide)
                      (then
                        (call $denseWide
                          (local.get $x)
                          (i32.add (local.get $weights) (i32.shl (i32.mul (i32.mul (local.get $group) (local.get $blocks)) (local.get $depth)) (i32.const 5)))
                          (local.get $depth) (local.get $fold) (local.get $blocks)
                          (i32.add (local.get $bias) (i32.shl (i32.mul (local.get $group) (local.get $blocks)) (i32.const 5)))
                          (local.get $sum) (local.get $low) (local.get $high)))
                      (else
                        (if (local.get $mid)
                          (then
                            (call $denseMid
                              (local.get $x)
                              (i32.add (local.get $weights) (i32.shl (i32.mul (i32.mul (local.get $group) (local.get $blocks)) (local.get $depth)) (i32.const 5)))
                              (local.get $depth) (local.get $fold) (local.get $blocks)
                              (i32.add (local.get $bias) (i32.shl (i32.mul (local.get $group) (local.get $blocks)) (i32.const 5)))
                              (local.get $sum) (local.get $low) (local.get $high)))
                          (else
                            (call $dense
                              (local.get $x)
                              (i32.add (local.get $weights) (i32.shl (i32.mul (i32.mul (local.get $group) (local.get $blocks)) (local.get $depth)) (i32.const 4)))
                              (local.get $depth) (local.get $fold) (local.get $blocks)
                              (i32.add (local.get $bias) (i32.shl (i32.mul (local.get $group) (local.get $blocks)) (i32.const 5)))
                              (local.get $sum) (local.get $low) (local.get $high))))))
                    ;; Zero-operand MACs: all the group's pairs less those with a non-zero weight facing a non-zero activation.
                    (local.set $pairs (i64.const 0))
                    (local.set $k (i32.const 0))
                    (block $kDone
                      (loop $kLoop
                        (br_if $kDone (i32.ge_u (local.get $k) (local.get $depth)))
                        (if (if (result i32) (local.get $int32Operands)
                              (then (i32.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2)))))
                              (else (i32.load16_s (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 1))))))
                          (then
                            (local.set $pairs
                              (i64.add
                                (local.get $pairs)
                                (i64.extend_i32_u (call $word (local.get $nonZero) (i32.add (i32.mul (local.get $group) (local.get $depth)) (local.get $k))))))))
                        (local.set $k (i32.add (local.get $k) (i32.const 1)))
                        (br $kLoop)))
                    (local.set $zeros
                      (i64.sub (i64.mul (i64.extend_i32_u (local.get $groupOutputs)) (i64.extend_i32_u (local.get $depth))) (local.get $pairs)))))
                (global.set $zeroMacs (i64.add (global.get $zeroMacs) (local.get $zeros)))
                ;; The lanes of this call: the depthwise layer's every channel, or the group's outputs.
                (local.set $first (if (result i32) (local.get $isDepthwise) (then (i32.const 0)) (else (i32.mul (local.get $group) (local.get $groupOutputs)))))
                (local.set $k (if (result i32) (local.get $isDepthwise) (then (local.get $outChannels)) (else (local.get $groupOutputs))))
                (local.set $offset (i32.shl (i32.add (local.get $pixelBase) (local.get $first)) (i32.const 2)))
                (if (local.get $requantizes)
                  (then
                    (local.set $attention
                      (i32.add
                        (local.get $attention)
                        (call $finish
                          (local.get $k) (local.get $sum) (local.get $low) (local.get $high)
                          (i32.add (call $word (local.get $params) (i32.const 43)) (i32.shl (local.get $first) (i32.const 2)))
                          (i32.add (call $word (local.get $params) (i32.const 44)) (i32.shl (local.get $first) (i32.const 2)))
                          (call $word (local.get $params) (i32.const 33))
                          (call $word (local.get $params) (i32.const 34))
                          (call $word (local.get $params) (i32.const 35))
                          (call $word (local.get $params) (i32.const 36))
                          (call $word (local.get $params) (i32.const 37))
                          (call $word (local.get $params) (i32.const 38))
                          (call $word (local.get $params) (i32.const 39))
                          (call $word (local.get $params) (i32.const 40))
                          (call $word (local.get $params) (i32.const 41))
                          (call $word (local.get $params) (i32.const 42))
                          (i32.add (local.get $outputs) (local.get $offset))
                          (i32.add (local.get $acc) (i32.shl (local.get $offset) (i32.const 1)))
                          (i32.add (local.get $status) (local.get $offset))
                          (i32.add (call $word (local.get $params) (i32.const 45)) (i32.shl (local.get $first) (i32.const 2)))
                          (i32.add (call $word (local.get $params) (i32.const 46)) (i32.shl (local.get $first) (i32.const 2)))
                          (i32.add (call $word (local.get $params) (i32.const 47)) (i32.shl (local.get $first) (i32.const 3)))
                          (call $word (local.get $params) (i32.const 54))
                          (local.get $wide)
                          (i32.add (local.get $pixelBase) (local.get $first))))))
                  (else
                    (local.set $offset (i32.shl (i32.add (local.get $pixelBase) (local.get $first)) (local.get $laneShift)))
                    (memory.copy (i32.add (local.get $sumAll) (local.get $offset)) (local.get $sum) (i32.shl (local.get $k) (local.get $laneShift)))
                    (memory.copy (i32.add (local.get $lowAll) (local.get $offset)) (local.get $low) (i32.shl (local.get $k) (local.get $laneShift)))
                    (memory.copy (i32.add (local.get $highAll) (local.get $offset)) (local.get $high) (i32.shl (local.get $k) (local.get $laneShift)))))
                (local.set $group (i32.add (local.get $group) (i32.const 1)))
                (br $groupLoop)))
            (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
            (br $pixels)))
        (local.set $rowIndex (i32.add (local.get $rowIndex) (i32.const 1)))
        (br $rows)))
    (local.get $attention))
;; ---- The float reference's convolutions (float/execute.ts), same doubles in the same order ----
  ;; Per lane (output channel): the bias, then for each tap that is not padded, for each channel,
  ;; sum += x * w in float64 with x and w float32 values (the product exact, the add rounded as in
  ;; JavaScript); padded taps add nothing. WebAssembly never fuses a multiply and an add, so each lane
  ;; gives the double float/execute.ts gives. Weights float64 block-major [group][block][k][8]
  ;; (depthwise: [tap][8 * blocks]), biases float64 per lane, input float32 NHWC (depthwise: 32
  ;; readable bytes past its end). Sums go out as float64, one per output; the caller clamps and
  ;; rounds to float32.
  ;; With $roundTaps (the zoo's calibration pass, zoo/float.ts): each tap's channels sum from 0 in
  ;; float64 and the lane then becomes float32(lane + that sum), as a Float32Array element would;
  ;; depthwise lanes become float32(lane + x * w) at every tap.

  (func $round32 (param $v v128) (result v128)
    (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $v))))

  (func $floatDense (param $x i32) (param $taps i32) (param $tapCount i32) (param $channels i32) (param $w i32) (param $depth i32)
    (param $blocks i32) (param $bias i32) (param $out i32) (param $roundTaps i32)
    (local $block i32) (local $tap i32) (local $offset i32) (local $c i32) (local $xp i32) (local $wp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xs v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (local.set $a0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $tap (i32.const 0))
        (block $tapsDone
          (loop $tapLoop
            (br_if $tapsDone (i32.ge_u (local.get $tap) (local.get $tapCount)))
            (local.set $offset (i32.load (i32.add (local.get $taps) (i32.shl (local.get $tap) (i32.const 2)))))
            (if (i32.ge_s (local.get $offset) (i32.const 0))
              (then
                (local.set $xp (i32.add (local.get $x) (local.get $offset)))
                ;; Weights of (block, k = tap * channels): 64 bytes a k.
                (local.set $wp
                  (i32.add (local.get $w)
                    (i32.shl (i32.add (i32.mul (local.get $block) (local.get $depth)) (i32.mul (local.get $tap) (local.get $channels))) (i32.const 6))))
                (local.set $c (i32.const 0))
                (if (local.get $roundTaps)
                  (then
                    (local.set $s0 (local.get $a0)) (local.set $s1 (local.get $a1)) (local.set $s2 (local.get $a2)) (local.set $s3 (local.get $a3))
                    (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
                    (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))))
                (block $cDone
                  (loop $cLoop
                    (br_if $cDone (i32.ge_u (local.get $c) (local.get $channels)))
                    (local.set $xs (f64x2.splat (f64.promote_f32 (f32.load (local.get $xp)))))
                    (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xs) (v128.load (local.get $wp)))))
                    (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xs) (v128.load offset=16 (local.get $wp)))))
                    (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xs) (v128.load offset=32 (local.get $wp)))))
                    (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xs) (v128.load offset=48 (local.get $wp)))))
                    (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                    (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $cLoop)))
                (if (local.get $roundTaps)
                  (then
                    (local.set $a0 (call $round32 (f64x2.add (local.get $s0) (local.get $a0))))
                    (local.set $a1 (call $round32 (f64x2.add (local.get $s1) (local.get $a1))))
                    (local.set $a2 (call $round32 (f64x2.add (local.get $s2) (local.get $a2))))
                    (local.set $a3 (call $round32 (f64x2.add (local.get $s3) (local.get $a3))))))))
            (local.set $tap (i32.add (local.get $tap) (i32.const 1)))
            (br $tapLoop)))
        (call $storeWide (i32.add (local.get $out) (i32.shl (local.get $block) (i32.const 6))) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

  (func $floatDepthwise (param $x i32) (param $taps i32) (param $tapCount i32) (param $w i32) (param $blocks i32) (param $bias i32) (param $out i32)
    (param $roundTaps i32)
    (local $block i32) (local $tap i32) (local $offset i32) (local $xp i32) (local $wp i32) (local $xv v128) (local $xw v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $blocks)))
        (local.set $a0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $bias) (i32.shl (local.get $block) (i32.const 6)))))
        (local.set $tap (i32.const 0))
        (block $tapsDone
          (loop $tapLoop
            (br_if $tapsDone (i32.ge_u (local.get $tap) (local.get $tapCount)))
            (local.set $offset (i32.load (i32.add (local.get $taps) (i32.shl (local.get $tap) (i32.const 2)))))
            (if (i32.ge_s (local.get $offset) (i32.const 0))
              (then
                (local.set $xp (i32.add (i32.add (local.get $x) (local.get $offset)) (i32.shl (local.get $block) (i32.const 5))))
                (local.set $wp (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (local.get $tap) (local.get $blocks)) (local.get $block)) (i32.const 6))))
                (local.set $xv (v128.load (local.get $xp)))
                (local.set $xw (v128.load offset=16 (local.get $xp)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $xv)) (v128.load (local.get $wp)))))
                (local.set $a1
                  (f64x2.add (local.get $a1)
                    (f64x2.mul
                      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv)))
                      (v128.load offset=16 (local.get $wp)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $xw)) (v128.load offset=32 (local.get $wp)))))
                (local.set $a3
                  (f64x2.add (local.get $a3)
                    (f64x2.mul
                      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xw) (local.get $xw)))
                      (v128.load offset=48 (local.get $wp)))))
                (if (local.get $roundTaps)
                  (then
                    (local.set $a0 (call $round32 (local.get $a0))) (local.set $a1 (call $round32 (local.get $a1)))
                    (local.set $a2 (call $round32 (local.get $a2))) (local.set $a3 (call $round32 (local.get $a3)))))))
            (local.set $tap (i32.add (local.get $tap) (i32.const 1)))
            (br $tapLoop)))
        (call $storeWide (i32.add (local.get $out) (i32.shl (local.get $block) (i32.const 6))) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blockLoop))))

  ;; Output rows [$rowStart, $rowEnd) of a float layer; $params: int32 words (float/simd.ts FLOAT_WORD).
  (func (export "floatRows") (param $params i32) (param $rowStart i32) (param $rowEnd i32)
    (local $inHeight i32) (local $inWidth i32) (local $inChannels i32) (local $outHeight i32) (local $outWidth i32) (local $outChannels i32)
    (local $kernelHeight i32) (local $kernelWidth i32) (local $groupChannels i32) (local $groupOutputs i32) (local $groups i32)
    (local $depth i32) (local $blocks i32) (local $isDepthwise i32) (local $input i32) (local $weights i32) (local $bias i32)
    (local $taps i32) (local $lanes i32) (local $out i32) (local $tapCount i32)
    (local $rowIndex i32) (local $n i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ih i32) (local $iw i32)
    (local $pixelBase i32) (local $group i32) (local $first i32) (local $count i32) (local $roundTaps i32)
    (local.set $inHeight (call $word (local.get $params) (i32.const 0)))
    (local.set $inWidth (call $word (local.get $params) (i32.const 1)))
    (local.set $inChannels (call $word (local.get $params) (i32.const 2)))
    (local.set $outHeight (call $word (local.get $params) (i32.const 3)))
    (local.set $outWidth (call $word (local.get $params) (i32.const 4)))
    (local.set $outChannels (call $word (local.get $params) (i32.const 5)))
    (local.set $kernelHeight (call $word (local.get $params) (i32.const 6)))
    (local.set $kernelWidth (call $word (local.get $params) (i32.const 7)))
    (local.set $groupChannels (call $word (local.get $params) (i32.const 14)))
    (local.set $groupOutputs (call $word (local.get $params) (i32.const 15)))
    (local.set $groups (call $word (local.get $params) (i32.const 16)))
    (local.set $depth (call $word (local.get $params) (i32.const 17)))
    (local.set $blocks (call $word (local.get $params) (i32.const 18)))
    (local.set $isDepthwise (call $word (local.get $params) (i32.const 19)))
    (local.set $input (call $word (local.get $params) (i32.const 20)))
    (local.set $weights (call $word (local.get $params) (i32.const 21)))
    (local.set $bias (call $word (local.get $params) (i32.const 22)))
    (local.set $taps (call $word (local.get $params) (i32.const 23)))
    (local.set $lanes (call $word (local.get $params) (i32.const 24)))
    (local.set $out (call $word (local.get $params) (i32.const 25)))
    (local.set $roundTaps (call $word (local.get $params) (i32.const 26)))
    (local.set $tapCount (i32.mul (local.get $kernelHeight) (local.get $kernelWidth)))
    (local.set $rowIndex (local.get $rowStart))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $rowIndex) (local.get $rowEnd)))
        (local.set $n (i32.div_u (local.get $rowIndex) (local.get $outHeight)))
        (local.set $oh (i32.rem_u (local.get $rowIndex) (local.get $outHeight)))
        (local.set $ow (i32.const 0))
        (block $pixelsDone
          (loop $pixels
            (br_if $pixelsDone (i32.ge_u (local.get $ow) (local.get $outWidth)))
            (local.set $kh (i32.const 0))
            (block $khDone
              (loop $khLoop
                (br_if $khDone (i32.ge_u (local.get $kh) (local.get $kernelHeight)))
                (local.set $ih
                  (i32.add
                    (i32.sub (i32.mul (local.get $oh) (call $word (local.get $params) (i32.const 8))) (call $word (local.get $params) (i32.const 12)))
                    (i32.mul (local.get $kh) (call $word (local.get $params) (i32.const 10)))))
                (local.set $kw (i32.const 0))
                (block $kwDone
                  (loop $kwLoop
                    (br_if $kwDone (i32.ge_u (local.get $kw) (local.get $kernelWidth)))
                    (local.set $iw
                      (i32.add
                        (i32.sub (i32.mul (local.get $ow) (call $word (local.get $params) (i32.const 9))) (call $word (local.get $params) (i32.const 13)))
                        (i32.mul (local.get $kw) (call $word (local.get $params) (i32.const 11)))))
                    (i32.store
                      (i32.add (local.get $taps) (i32.shl (i32.add (i32.mul (local.get $kh) (local.get $kernelWidth)) (local.get $kw)) (i32.const 2)))
                      (if (result i32)
                        (i32.and
                          (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $inHeight)))
                          (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $inWidth))))
                        (then
                          (i32.shl
                            (i32.mul
                              (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $inHeight)) (local.get $ih)) (local.get $inWidth)) (local.get $iw))
                              (local.get $inChannels))
                            (i32.const 2)))
                        (else (i32.const -1))))
                    (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                    (br $kwLoop)))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $khLoop)))
            (local.set $pixelBase (i32.mul (i32.add (i32.mul (local.get $rowIndex) (local.get $outWidth)) (local.get $ow)) (local.get $outChannels)))
            (if (local.get $isDepthwise)
              (then
                (call $floatDepthwise (local.get $input) (local.get $taps) (local.get $tapCount) (local.get $weights) (local.get $blocks) (local.get $bias) (local.get $lanes)
                  (local.get $roundTaps))
                (memory.copy (i32.add (local.get $out) (i32.shl (local.get $pixelBase) (i32.const 3))) (local.get $lanes) (i32.shl (local.get $outChannels) (i32.const 3))))
              (else
                (local.set $group (i32.const 0))
                (block $groupsDone
                  (loop $groupLoop
                    (br_if $groupsDone (i32.ge_u (local.get $group) (local.get $groups)))
                    (call $floatDense
                      (i32.add (local.get $input) (i32.shl (i32.mul (local.get $group) (local.get $groupChannels)) (i32.const 2)))
                      (local.get $taps) (local.get $tapCount) (local.get $groupChannels)
                      (i32.add (local.get $weights) (i32.shl (i32.mul (i32.mul (local.get $group) (local.get $blocks)) (local.get $depth)) (i32.const 6)))
                      (local.get $depth) (local.get $blocks)
                      (i32.add (local.get $bias) (i32.shl (i32.mul (local.get $group) (local.get $blocks)) (i32.const 6)))
                      (local.get $lanes) (local.get $roundTaps))
                    (memory.copy
                      (i32.add (local.get $out) (i32.shl (i32.add (local.get $pixelBase) (i32.mul (local.get $group) (local.get $groupOutputs))) (i32.const 3)))
                      (local.get $lanes)
                      (i32.shl (local.get $groupOutputs) (i32.const 3)))
                    (local.set $group (i32.add (local.get $group) (i32.const 1)))
                    (br $groupLoop)))))
            (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
            (br $pixels)))
        (local.set $rowIndex (i32.add (local.get $rowIndex) (i32.const 1)))
        (br $rows))))
)

;; The bench's WebAssembly SIMD int8 GEMM: the machine's ceiling for an int8 dot product in Node.
;; C[i][j] = sum_p A[i][p] * B[j][p], operands widened to int16 (8 per vector), i32x4.dot_i16x8_s
;; (pairs of products summed into int32 lanes), no overflow tracking. K is a multiple of 8.
(module
  (memory (export "memory") 1)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $p i32) (local $rowA i32) (local $rowB i32) (local $sum v128) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $k) (i32.const 1)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $rowA (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $rowB (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $bytes))))
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.const 0))
            (block $pDone
              (loop $pLoop
                (br_if $pDone (i32.ge_u (local.get $p) (local.get $bytes)))
                (local.set $sum
                  (i32x4.add
                    (local.get $sum)
                    (i32x4.dot_i16x8_s
                      (v128.load (i32.add (local.get $rowA) (local.get $p)))
                      (v128.load (i32.add (local.get $rowB) (local.get $p))))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $pLoop)))
            (i32.store
              (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (i32.add
                (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
                (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iLoop))))
)

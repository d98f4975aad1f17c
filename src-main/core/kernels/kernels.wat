;; Spinscope's hot loops, in WebAssembly SIMD (f64x2). Compiled by scripts/build-wasm.mjs.
;;
;; fused32/fused64 — the one hot loop of the spin-model solvers: a weight block W (row-major [n, m]) couples layer
;; k−1 (n spins) to layer k (m spins), so J·v over this block is
;;     y_out[j] += Σ_i W[i,j] v_in[i]      (Wᵀ v_{k−1})
;;     y_in[i]  += Σ_j W[i,j] v_out[j]     (W v_k)
;; Both halves are done in ONE pass over W (the weights are read once), two f64 lanes at a time.
;; Weights stay in their source precision (f32 or f64); every product and sum is f64.
;; All arguments are byte offsets into this module's memory.
(module
  (memory (export "memory") 1 65536)

  (func $fused32 (export "fused32")
    (param $W i32) (param $n i32) (param $m i32)
    (param $vin i32) (param $vout i32) (param $yin i32) (param $yout i32)
    (local $i i32) (local $j i32) (local $m2 i32) (local $row i32) (local $po i32) (local $pv i32)
    (local $xi v128) (local $acc v128) (local $w v128) (local $xs f64) (local $accs f64) (local $ws f64)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xs (f64.load (i32.add (local.get $vin) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $xi (f64x2.splat (local.get $xs)))
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $row (i32.add (local.get $W) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $m2)))
        (local.set $w (f64x2.promote_low_f32x4
          (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $po (i32.add (local.get $yout) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $po)
          (f64x2.add (v128.load (local.get $po)) (f64x2.mul (local.get $w) (local.get $xi))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $w)
          (v128.load (i32.add (local.get $vout) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $cols)))
      (local.set $accs (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      ;; odd m: the last column
      (if (i32.lt_u (local.get $m2) (local.get $m)) (then
        (local.set $ws (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $m2) (i32.const 2))))))
        (local.set $po (i32.add (local.get $yout) (i32.shl (local.get $m2) (i32.const 3))))
        (f64.store (local.get $po) (f64.add (f64.load (local.get $po)) (f64.mul (local.get $ws) (local.get $xs))))
        (local.set $accs (f64.add (local.get $accs) (f64.mul (local.get $ws)
          (f64.load (i32.add (local.get $vout) (i32.shl (local.get $m2) (i32.const 3)))))))))
      (local.set $pv (i32.add (local.get $yin) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $pv) (f64.add (f64.load (local.get $pv)) (local.get $accs)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

  (func $fused64 (export "fused64")
    (param $W i32) (param $n i32) (param $m i32)
    (param $vin i32) (param $vout i32) (param $yin i32) (param $yout i32)
    (local $i i32) (local $j i32) (local $m2 i32) (local $row i32) (local $po i32) (local $pv i32)
    (local $xi v128) (local $acc v128) (local $w v128) (local $xs f64) (local $accs f64) (local $ws f64)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xs (f64.load (i32.add (local.get $vin) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $xi (f64x2.splat (local.get $xs)))
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $row (i32.add (local.get $W) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 3))))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $m2)))
        (local.set $w (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $po (i32.add (local.get $yout) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $po)
          (f64x2.add (v128.load (local.get $po)) (f64x2.mul (local.get $w) (local.get $xi))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $w)
          (v128.load (i32.add (local.get $vout) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $cols)))
      (local.set $accs (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (if (i32.lt_u (local.get $m2) (local.get $m)) (then
        (local.set $ws (f64.load (i32.add (local.get $row) (i32.shl (local.get $m2) (i32.const 3)))))
        (local.set $po (i32.add (local.get $yout) (i32.shl (local.get $m2) (i32.const 3))))
        (f64.store (local.get $po) (f64.add (f64.load (local.get $po)) (f64.mul (local.get $ws) (local.get $xs))))
        (local.set $accs (f64.add (local.get $accs) (f64.mul (local.get $ws)
          (f64.load (i32.add (local.get $vout) (i32.shl (local.get $m2) (i32.const 3)))))))))
      (local.set $pv (i32.add (local.get $yin) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $pv) (f64.add (f64.load (local.get $pv)) (local.get $accs)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))
;; Gram–Schmidt against a contiguous basis V (m rows of n f64, row-major) for Lanczos:
;;   dots:     c[i] = Σ_k V[i,k] w[k]          (c = V w)
;;   subtract: w[k] -= Σ_i c[i] V[i,k]          (w −= Vᵀ c)
  (func $dots (export "dots")
    (param $V i32) (param $m i32) (param $n i32) (param $w i32) (param $c i32)
    (local $i i32) (local $k i32) (local $n2 i32) (local $row i32) (local $acc v128) (local $s f64)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $V) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $k (i32.const 0))
      (block $kd (loop $ks
        (br_if $kd (i32.ge_u (local.get $k) (local.get $n2)))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul
          (v128.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
          (v128.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $ks)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (if (i32.lt_u (local.get $n2) (local.get $n)) (then
        (local.set $s (f64.add (local.get $s) (f64.mul
          (f64.load (i32.add (local.get $row) (i32.shl (local.get $n2) (i32.const 3))))
          (f64.load (i32.add (local.get $w) (i32.shl (local.get $n2) (i32.const 3)))))))))
      (f64.store (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 3))) (local.get $s))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

  (func $subtract (export "subtract")
    (param $V i32) (param $m i32) (param $n i32) (param $c i32) (param $w i32)
    (local $i i32) (local $k i32) (local $n2 i32) (local $row i32) (local $ci v128) (local $pw i32)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $V) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
      (local.set $ci (f64x2.splat (f64.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $k (i32.const 0))
      (block $kd (loop $ks
        (br_if $kd (i32.ge_u (local.get $k) (local.get $n2)))
        (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))
        (v128.store (local.get $pw) (f64x2.sub (v128.load (local.get $pw)) (f64x2.mul (local.get $ci)
          (v128.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $ks)))
      (if (i32.lt_u (local.get $n2) (local.get $n)) (then
        (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $n2) (i32.const 3))))
        (f64.store (local.get $pw) (f64.sub (f64.load (local.get $pw)) (f64.mul
          (f64x2.extract_lane 0 (local.get $ci))
          (f64.load (i32.add (local.get $row) (i32.shl (local.get $n2) (i32.const 3)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

;; affine32: y[j] += Σ_i x[i] W[i,j] (one row of a layer's pre-activation, xW with W [n, m]); rows with
;; x[i] = 0 are skipped (ReLU and sign activations are sparse). Weights f32, vectors f64.
  (func $affine32 (export "affine32")
    (param $W i32) (param $n i32) (param $m i32) (param $x i32) (param $y i32)
    (local $i i32) (local $j i32) (local $m2 i32) (local $row i32) (local $py i32) (local $xs f64) (local $xi v128)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xs (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
      (if (f64.ne (local.get $xs) (f64.const 0)) (then
        (local.set $xi (f64x2.splat (local.get $xs)))
        (local.set $row (i32.add (local.get $W) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $cols_done (loop $cols
          (br_if $cols_done (i32.ge_u (local.get $j) (local.get $m2)))
          (local.set $py (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 3))))
          (v128.store (local.get $py) (f64x2.add (v128.load (local.get $py)) (f64x2.mul (local.get $xi)
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br $cols)))
        (if (i32.lt_u (local.get $m2) (local.get $m)) (then
          (local.set $py (i32.add (local.get $y) (i32.shl (local.get $m2) (i32.const 3))))
          (f64.store (local.get $py) (f64.add (f64.load (local.get $py)) (f64.mul (local.get $xs)
            (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $m2) (i32.const 2))))))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

;; affine64: y[j] += Σ_i x[i] W[i,j] (one row of a layer's pre-activation, xW with W [n, m]); rows with
;; x[i] = 0 are skipped (ReLU and sign activations are sparse). Weights f64, vectors f64.
  (func $affine64 (export "affine64")
    (param $W i32) (param $n i32) (param $m i32) (param $x i32) (param $y i32)
    (local $i i32) (local $j i32) (local $m2 i32) (local $row i32) (local $py i32) (local $xs f64) (local $xi v128)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xs (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
      (if (f64.ne (local.get $xs) (f64.const 0)) (then
        (local.set $xi (f64x2.splat (local.get $xs)))
        (local.set $row (i32.add (local.get $W) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $cols_done (loop $cols
          (br_if $cols_done (i32.ge_u (local.get $j) (local.get $m2)))
          (local.set $py (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 3))))
          (v128.store (local.get $py) (f64x2.add (v128.load (local.get $py)) (f64x2.mul (local.get $xi)
            (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br $cols)))
        (if (i32.lt_u (local.get $m2) (local.get $m)) (then
          (local.set $py (i32.add (local.get $y) (i32.shl (local.get $m2) (i32.const 3))))
          (f64.store (local.get $py) (f64.add (f64.load (local.get $py)) (f64.mul (local.get $xs)
            (f64.load (i32.add (local.get $row) (i32.shl (local.get $m2) (i32.const 3)))))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

;; rowdots32: y[i] += Σ_j W[i,j] v[j] (W v with W [n, m]: the other half of a block's product, alone).
  (func $rowdots32 (export "rowdots32")
    (param $W i32) (param $n i32) (param $m i32) (param $v i32) (param $y i32)
    (local $i i32) (local $j i32) (local $m2 i32) (local $row i32) (local $acc v128) (local $s f64) (local $py i32)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $row (i32.add (local.get $W) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 2))))
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $m2)))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
          (v128.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $cols)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (if (i32.lt_u (local.get $m2) (local.get $m)) (then
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $m2) (i32.const 2)))))
          (f64.load (i32.add (local.get $v) (i32.shl (local.get $m2) (i32.const 3)))))))))
      (local.set $py (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $py) (f64.add (f64.load (local.get $py)) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

;; rowdots64: y[i] += Σ_j W[i,j] v[j] (W v with W [n, m]: the other half of a block's product, alone).
  (func $rowdots64 (export "rowdots64")
    (param $W i32) (param $n i32) (param $m i32) (param $v i32) (param $y i32)
    (local $i i32) (local $j i32) (local $m2 i32) (local $row i32) (local $acc v128) (local $s f64) (local $py i32)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $row (i32.add (local.get $W) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 3))))
      (local.set $acc (f64x2.splat (f64.const 0)))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $m2)))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
          (v128.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $cols)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (if (i32.lt_u (local.get $m2) (local.get $m)) (then
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (i32.add (local.get $row) (i32.shl (local.get $m2) (i32.const 3))))
          (f64.load (i32.add (local.get $v) (i32.shl (local.get $m2) (i32.const 3)))))))))
      (local.set $py (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $py) (f64.add (f64.load (local.get $py)) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))
)

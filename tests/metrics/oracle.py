"""An independent float64 reference written from SPEC §2-3: one full SVD per prefix, no shortcuts."""

import numpy as np


def er_oracle(X, center=True, spectrum="sigma"):
    """ER straight from the definition: centre, SVD, entropy of the normalised spectrum."""
    X = np.asarray(X, dtype=np.float64)
    if X.shape[0] < 2:
        return float("nan")
    if center:
        X = X - X.mean(axis=0)
    s = np.linalg.svd(X, compute_uv=False)
    if spectrum == "sigma2":
        s = s**2
    p = s / (s.sum() + 1e-8)
    return float(np.exp(-(p * np.log(p + 1e-8)).sum()))


def dynamics_oracle(H, stride, window, center=True, spectrum="sigma"):
    """(ER, ERV, ERA, prefix ERs) by looping over every prefix with a fresh SVD."""
    H = np.asarray(H, dtype=np.float64)
    T = H.shape[0]
    Hw = H[-window:] if window is not None and T > window else H
    E = [er_oracle(Hw[: t + 1], center, spectrum) for t in range(stride, Hw.shape[0], stride)]
    v = [E[j] - np.mean(E[:j]) for j in range(1, len(E))]
    a = [v[j] - v[j - 1] for j in range(1, len(v))]
    nan = float("nan")
    return er_oracle(H, center, spectrum), (np.mean(v) if v else nan), (np.mean(a) if a else nan), np.array(E)

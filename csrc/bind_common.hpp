// bind_common.hpp - helpers shared by the bind_<area>.cpp files (pybind11 only here and
// there).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "kmeans.hpp"

namespace cc {
namespace py = pybind11;

// Arrays arrive C-contiguous and of the exact dtype (the Python layer converts);
// noconvert() on every array argument makes pybind11 refuse anything else instead of
// copying silently.
template <typename T> using carray = py::array_t<T, py::array::c_style>;

template <typename T> Dense<T> dense_view(const carray<T> &X) {
    if (X.ndim() != 2)
        throw std::invalid_argument("X must be a 2-D array");
    return Dense<T>{X.data(), static_cast<i64>(X.shape(0)),
                    static_cast<i64>(X.shape(1))};
}

template <typename T>
Csr<T> csr_view(const carray<T> &data, const carray<std::int32_t> &indices,
                const carray<std::int32_t> &indptr, i64 n_cols) {
    if (indptr.ndim() != 1 || indptr.shape(0) < 1)
        throw std::invalid_argument("indptr must be 1-D and non-empty");
    const i64 n = static_cast<i64>(indptr.shape(0)) - 1;
    const i64 nnz = static_cast<i64>(data.shape(0));
    if (indices.shape(0) != data.shape(0) || indptr.at(0) != 0 || indptr.at(n) != nnz)
        throw std::invalid_argument("inconsistent CSR arrays");
    return Csr<T>{data.data(), indices.data(), indptr.data(), n, n_cols};
}

template <typename T> void check_vector(const carray<T> &v, i64 n, const char *what) {
    if (v.ndim() != 1 || static_cast<i64>(v.shape(0)) != n)
        throw std::invalid_argument(std::string(what) + " has the wrong length");
}

// A check the long loops call between steps, on the calling thread with the GIL
// released: it takes the GIL, runs the optional Python callback and checks for signals
// (Ctrl-C). It returns false to stop; the Python error is left set and raised by
// raise_if_stopped().
class Interrupter {
  public:
    explicit Interrupter(py::object callback = py::none())
        : callback_(std::move(callback)) {}

    template <typename... Args> bool operator()(Args &&...args) {
        py::gil_scoped_acquire gil;
        if (!callback_.is_none()) {
            try {
                callback_(std::forward<Args>(args)...);
            } catch (py::error_already_set &e) {
                e.restore();
                return false;
            }
        }
        return PyErr_CheckSignals() == 0;
    }

    // Only the signal check (no callback), for checks between rounds of one pass.
    bool signals_only() {
        py::gil_scoped_acquire gil;
        return PyErr_CheckSignals() == 0;
    }

    // With the GIL held.
    static void raise_if_stopped(bool stopped) {
        if (stopped && PyErr_Occurred())
            throw py::error_already_set();
        if (stopped)
            throw std::runtime_error("stopped");
    }

  private:
    py::object callback_;
};

} // namespace cc

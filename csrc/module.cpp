// module.cpp - the clustercore._core extension: one register_<area> call per
// bind_<area>.cpp.
#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace cc {
void register_config(py::module_ &m);
void register_kmeans(py::module_ &m);
void register_minibatch(py::module_ &m);
void register_dbscan(py::module_ &m);
void register_gmm(py::module_ &m);
void register_metrics(py::module_ &m);
} // namespace cc

PYBIND11_MODULE(_core, m) {
    m.doc() = "clustercore's C++ kernels. Use the estimators in clustercore, not this "
              "module.";
    cc::register_config(m);
    cc::register_kmeans(m);
    cc::register_minibatch(m);
    cc::register_dbscan(m);
    cc::register_gmm(m);
    cc::register_metrics(m);
}

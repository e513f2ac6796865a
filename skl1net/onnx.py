"""Export fitted models to ONNX, through skl2onnx.

:func:`register_converters` tells `skl2onnx <https://onnx.ai/sklearn-onnx/>`_
how to convert :class:`~skl1net.L1MLPClassifier`,
:class:`~skl1net.L1MLPRegressor`, :class:`~skl1net.L1FeatureSelector` and the
cross-validated estimators (as their ``best_estimator_``);
``skl2onnx.to_onnx`` then converts them, alone or as steps of a scikit-learn
pipeline, like any scikit-learn estimator. It needs the ``onnx`` extra:
``pip install "skl1net[onnx]"`` (skl2onnx, and onnxruntime to run the
exported graphs).

The graph of a network is one ``Gemm`` (product and bias) and one activation
per layer, in the precision of the input (``double`` for a
``DoubleTensorType`` input, ``float`` otherwise), followed for a classifier by
the probabilities of :meth:`~skl1net.L1MLPClassifier.predict_proba` and the
labels of :meth:`~skl1net.L1MLPClassifier.predict`. A classifier takes
skl2onnx's classifier options: ``zipmap`` (True by default: the
probabilities as a list of dictionaries, one per row, which ONNX allows for
``float`` only; False: as a matrix; ``'columns'``: one output per class),
``nocl`` and ``output_class_labels``. The graph holds the network that the
model predicts with: without its dead hidden units (the network of
:meth:`~skl1net.L1MLPClassifier.compact`, which computes the same function
up to float rounding). The weight matrices of a compacted model are written
as they are stored: a dense array, or for a ``scipy.sparse`` matrix a
``Constant`` with a sparse value (its non-zeros and their positions), which
the runtime makes dense when it loads the graph.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._estimators._classifier import L1MLPClassifier
from ._estimators._cv import L1MLPClassifierCV
from ._estimators._cv_regressor import L1MLPRegressorCV
from ._estimators._publishing import published
from ._estimators._regressor import L1MLPRegressor
from ._estimators._selection import L1FeatureSelector
from ._network._compact import pruned_network

__all__ = ["register_converters"]

#: ONNX operator of each activation (None: no operator).
_ACTIVATION_OPS = {
    "identity": None,
    "relu": "Relu",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "softmax": "Softmax",
}

_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [False, True],
    "output_class_labels": [False, True],
}


def register_converters():
    """Register skl1net's estimators with skl2onnx, so that ``to_onnx`` converts them.

    Registers :class:`~skl1net.L1MLPClassifier` (binary, multiclass and
    multilabel), :class:`~skl1net.L1MLPRegressor` (one or several outputs)
    and :class:`~skl1net.L1FeatureSelector`, under the aliases
    ``'Skl1netL1MLPClassifier'``, ``'Skl1netL1MLPRegressor'`` and
    ``'Skl1netL1FeatureSelector'``; :class:`~skl1net.L1MLPClassifierCV` and
    :class:`~skl1net.L1MLPRegressorCV` are converted as their
    ``best_estimator_`` (a network or a pipeline), which receives the
    options given for them. Calling it again changes nothing.

    Raises
    ------
    ImportError
        When skl2onnx is not installed (``pip install "skl1net[onnx]"``).

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from skl2onnx import to_onnx
    >>> from skl1net import L1MLPClassifier
    >>> from skl1net.onnx import register_converters
    >>> register_converters()
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(60, 3).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(X, y)
    >>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
    >>> sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    >>> labels, proba = sess.run(None, {"X": X})
    >>> bool((labels == clf.predict(X)).all()), bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
    (True, True)
    """
    try:
        from skl2onnx import update_registered_converter
    except ImportError as exc:
        raise ImportError(
            'Exporting to ONNX needs skl2onnx: pip install "skl1net[onnx]".'
        ) from exc
    update_registered_converter(
        L1MLPClassifier,
        "Skl1netL1MLPClassifier",
        _classifier_shapes,
        _convert_classifier,
        parser=_parse_classifier,
        options=_CLASSIFIER_OPTIONS,
    )
    update_registered_converter(
        L1MLPRegressor, "Skl1netL1MLPRegressor", _regressor_shapes, _convert_regressor
    )
    update_registered_converter(
        L1FeatureSelector, "Skl1netL1FeatureSelector", _selector_shapes, _convert_selector
    )
    for cv, options in [(L1MLPClassifierCV, _CLASSIFIER_OPTIONS), (L1MLPRegressorCV, None)]:
        # the parser puts best_estimator_ in the graph: the shape calculator
        # and converter of the search itself are never called
        update_registered_converter(
            cv, f"Skl1net{cv.__name__}", _search_shapes, _convert_search,
            parser=_parse_search, options=options,
        )


# -- parsers ------------------------------------------------------------------------
# skl2onnx exports no parser by a public name; the custom parsers of its own
# gallery import them from skl2onnx._parse, as these two do.
def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier parser (outputs, ZipMap), on a model known to be fitted."""
    from skl2onnx._parse import _parse_sklearn_classifier

    check_is_fitted(model)
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers=custom_parsers)


def _parse_search(scope, model, inputs, custom_parsers=None):
    """The graph of ``best_estimator_``, which gets the options given for the search."""
    from skl2onnx._parse import _parse_sklearn

    check_is_fitted(model)
    best = model.best_estimator_
    network = best.steps[-1][1] if isinstance(best, Pipeline) else best
    scope.add_options(id(network), scope.get_options(model))
    return _parse_sklearn(scope, best, inputs, custom_parsers=custom_parsers)


def _search_shapes(operator):  # pragma: no cover
    raise RuntimeError("a search is converted as its best_estimator_")


def _convert_search(scope, operator, container):  # pragma: no cover
    raise RuntimeError("a search is converted as its best_estimator_")


# -- shape calculators -------------------------------------------------------------
def _input_types():
    from skl2onnx.common.data_types import (
        BooleanTensorType,
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
    )

    return [BooleanTensorType, DoubleTensorType, FloatTensorType, Int64TensorType]


def _check_operator(operator, n_outputs):
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )

    check_is_fitted(operator.raw_operator)
    check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=n_outputs
    )
    check_input_and_output_types(operator, good_input_types=_input_types())


def _float_tensor_type(operator):
    """The type the network computes in: double for double input, float otherwise."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    if isinstance(operator.inputs[0].type, DoubleTensorType):
        return DoubleTensorType
    return FloatTensorType


def _is_multilabel(model):
    # several logistic outputs: one per label (a binary model has one output)
    return model.out_activation_ == "logistic" and model.n_outputs_ > 1


def _class_labels(scope, model):
    """The labels the graph outputs: int64 or string (skl2onnx's option ``nocl`` applies)."""
    from skl2onnx.common.utils_classifier import get_label_classes

    classes = np.asarray(get_label_classes(scope, model))
    if classes.dtype.kind in "OUS":
        return np.array([str(c) for c in classes], dtype=object)
    return classes.astype(np.int64)  # float classes are integers: fit rejects others


def _classifier_shapes(operator):
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType

    _check_operator(operator, n_outputs=2)
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    zipmap = operator.scope_inst.get_options(model, dict(zipmap=True))["zipmap"]
    if zipmap is True and _float_tensor_type(operator).__name__ == "DoubleTensorType":
        raise ValueError(
            "ONNX's ZipMap takes float probabilities only: convert a classifier for "
            "double input with options={'zipmap': False} (the probabilities as a "
            "matrix) or {'zipmap': 'columns'}."
        )
    classes = _class_labels(operator.scope_inst, model)
    if _is_multilabel(model):
        operator.outputs[0].type = Int64TensorType([n, len(classes)])
    elif classes.dtype == object:
        operator.outputs[0].type = StringTensorType([n])
    else:
        operator.outputs[0].type = Int64TensorType([n])
    operator.outputs[1].type = _float_tensor_type(operator)([n, len(classes)])


def _regressor_shapes(operator):
    _check_operator(operator, n_outputs=1)
    n = operator.inputs[0].get_first_dimension()
    n_outputs = operator.raw_operator.n_outputs_
    operator.outputs[0].type = _float_tensor_type(operator)([n, n_outputs])


def _selector_shapes(operator):
    _check_operator(operator, n_outputs=1)
    n = operator.inputs[0].get_first_dimension()
    k = int(operator.raw_operator.get_support().sum())
    operator.outputs[0].type = operator.inputs[0].type.__class__([n, k])


# -- converters --------------------------------------------------------------------
def _proto_type(operator):
    from skl2onnx.common.data_types import DoubleTensorType
    from skl2onnx.proto import onnx_proto

    if isinstance(operator.inputs[0].type, DoubleTensorType):
        return onnx_proto.TensorProto.DOUBLE
    return onnx_proto.TensorProto.FLOAT


def _add_weights(scope, container, W, proto):
    """Add ``W`` as an initializer, sparse if it is stored sparse; return its name."""
    name = scope.get_unique_variable_name("coefficient")
    if sp.issparse(W):
        container.add_initializer(name, proto, list(W.shape), sp.coo_matrix(W))
    else:
        container.add_initializer(name, proto, list(W.shape), np.asarray(W).ravel())
    return name


def _network(scope, container, operator, output=None):
    """Add the network's layers; return the name of the output layer's activations.

    ``output`` names the last result (a fresh name when None).
    """
    model = published(operator.raw_operator)  # one model's weights, even during a fit
    proto = _proto_type(operator)
    A = scope.get_unique_variable_name("cast_input")
    container.add_node(
        "Cast", operator.inputs[0].full_name, A, to=proto,
        name=scope.get_unique_operator_name("Cast"),
    )
    coefs, intercepts = model.coefs_, model.intercepts_
    if not any(sp.issparse(W) for W in coefs):  # (a compacted model's are as stored)
        coefs, intercepts = pruned_network(coefs, intercepts, model.activation)
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        op = _ACTIVATION_OPS[model.activation if i < last else model.out_activation_]
        b_name = scope.get_unique_variable_name("intercepts")
        container.add_initializer(b_name, proto, [len(b)], np.asarray(b))
        Z = scope.get_unique_variable_name("layer")
        if i == last and op is None and output is not None:
            Z = output
        container.add_node(
            "Gemm", [A, _add_weights(scope, container, W, proto), b_name], Z,
            name=scope.get_unique_operator_name("Gemm"),
        )
        A = Z
        if op is not None:
            A = output if i == last and output is not None else (
                scope.get_unique_variable_name("activations")
            )
            container.add_node(op, Z, A, name=scope.get_unique_operator_name(op))
    return A


def _convert_regressor(scope, operator, container):
    _network(scope, container, operator, output=operator.outputs[0].full_name)


def _convert_classifier(scope, operator, container):
    from skl2onnx.proto import onnx_proto

    TensorProto = onnx_proto.TensorProto
    model = published(operator.raw_operator)  # one model's weights, even during a fit
    proto = _proto_type(operator)
    label, proba = operator.outputs[0].full_name, operator.outputs[1].full_name
    P = _network(scope, container, operator)
    name, op_name = scope.get_unique_variable_name, scope.get_unique_operator_name
    if model.n_outputs_ == 1:  # binary: P is the probability of classes_[1]
        one, Q = name("one"), name("negative_proba")
        container.add_initializer(one, proto, [], [1.0])
        container.add_node("Sub", [one, P], Q, name=op_name("Sub"))
        container.add_node("Concat", [Q, P], proba, axis=1, name=op_name("Concat"))
    else:
        container.add_node("Identity", P, proba, name=op_name("Identity"))
    if _is_multilabel(model):  # a label is on when its probability is above 1/2
        half, on = name("half"), name("label_on")
        container.add_initializer(half, proto, [], [0.5])
        container.add_node("Greater", [P, half], on, name=op_name("Greater"))
        container.add_node("Cast", on, label, to=TensorProto.INT64, name=op_name("Cast"))
        return
    classes = _class_labels(scope, model)
    classes_name, index = name("classes"), name("class_index")
    if classes.dtype == object:
        values, proto_labels = [c.encode("utf-8") for c in classes], TensorProto.STRING
    else:
        values, proto_labels = classes, TensorProto.INT64
    container.add_initializer(classes_name, proto_labels, [len(classes)], values)
    container.add_node(
        "ArgMax", proba, index, axis=1, keepdims=0, name=op_name("ArgMax")
    )
    container.add_node("Gather", [classes_name, index], label, axis=0, name=op_name("Gather"))


def _convert_selector(scope, operator, container):
    from skl2onnx.proto import onnx_proto

    index = operator.raw_operator.get_support(indices=True)
    name = scope.get_unique_variable_name("column_indices")
    container.add_initializer(name, onnx_proto.TensorProto.INT64, [len(index)], index)
    container.add_node(
        "Gather", [operator.inputs[0].full_name, name], operator.outputs[0].full_name,
        axis=1, name=scope.get_unique_operator_name("Gather"),
    )

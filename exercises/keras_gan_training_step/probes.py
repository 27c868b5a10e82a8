"""Probes for keras_gan_training_step: build the student's GAN and watch which weights each step moves.

Every probe builds its inputs from its own ``np.random.default_rng`` (so the
student's random calls cannot shift them) and seeds Keras before building the
models. The discriminator's weights are the variables that were trainable
right after ``build_discriminator`` returned (before ``build_gan`` could freeze
anything): "D stays frozen" is judged on those weights' values, never on a
flag. Training steps run eagerly (``run_eagerly``): a handful of steps costs
less than tracing graphs; a student's own ``compile()`` inside a step undoes
it harmlessly.
"""

from __future__ import annotations

import numpy as np

from grader.probing import probe

LATENT, SHAPE = 100, (28, 28, 1)
BATCH = 16


def _keras(seed=0):
    """Import TensorFlow with one thread per pool, seed it, and return ``keras``."""
    import tensorflow as tf

    try:  # only possible before TensorFlow initialises its runtime
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    import keras

    keras.utils.set_random_seed(seed)
    return keras


def real_images(rng, n, shape=SHAPE):
    """n synthetic 'real' images in [-1, 1]: a dark background with one soft bright spot."""
    h, w, c = shape
    rows, cols = np.mgrid[0:h, 0:w]
    out = np.empty((n, h, w, c), dtype=np.float32)
    for i in range(n):
        r, q = rng.uniform(0.25 * h, 0.75 * h), rng.uniform(0.25 * w, 0.75 * w)
        spot = np.exp(-((rows - r) ** 2 + (cols - q) ** 2) / (2 * (0.12 * h) ** 2))
        out[i] = (2.0 * spot - 1.0)[..., None]
    return out


def _numpy(keras, value):
    return np.array(keras.ops.convert_to_numpy(value))


def _snapshot(keras, variables):
    return [_numpy(keras, v) for v in variables]


def _change(keras, before, variables):
    """Largest absolute change of any of ``variables`` since ``before``."""
    changes = [float(np.max(np.abs(_numpy(keras, v) - b))) for b, v in zip(before, variables, strict=True) if b.size]
    return max(changes, default=0.0)


def _float(value):
    """A returned loss as a float if it is one number; else None (the checks say what it was)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(-1)[0]) if array.size == 1 else None


def _models(keras, student, latent_dim=LATENT, img_shape=SHAPE):
    """G, D, the combined model, and D's and G's trainable variables as they were when built."""
    generator = student.build_generator(latent_dim=latent_dim, img_shape=tuple(img_shape))
    discriminator = student.build_discriminator(img_shape=tuple(img_shape))
    d_variables = list(discriminator.trainable_weights) or list(discriminator.weights)
    g_variables = list(generator.trainable_weights) or list(generator.weights)
    gan = student.build_gan(generator, discriminator)
    for model in (discriminator, gan, generator):
        try:
            model.run_eagerly = True
        except Exception:  # noqa: BLE001 - not a compiled keras.Model: nothing to speed up
            pass
    return generator, discriminator, gan, d_variables, g_variables


_BUILDS = [{"latent_dim": 100, "img_shape": [28, 28, 1]}, {"latent_dim": 16, "img_shape": [16, 16, 1]}]


@probe("build", cases=_BUILDS, timeout=30)
def build(student, latent_dim, img_shape):
    """G on 4 noise vectors, D on 4 real images, the combined model on the same noise."""
    _keras()
    rng = np.random.default_rng(latent_dim)
    noise = rng.normal(0.0, 1.0, (4, latent_dim)).astype(np.float32)
    noise[2:] *= 30.0  # far-out noise: only a bounded (tanh) output layer keeps these images in [-1, 1]
    images = real_images(rng, 4, tuple(img_shape))
    generator = student.build_generator(latent_dim=latent_dim, img_shape=tuple(img_shape))
    discriminator = student.build_discriminator(img_shape=tuple(img_shape))
    gan = student.build_gan(generator, discriminator)
    return {
        "generated": generator(noise, training=False),
        "judged": discriminator(images, training=False),
        "combined": gan(noise, training=False),
    }


@probe("steps", cases=[{"seed": 0}], timeout=60)
def steps(student, seed):
    """Three rounds of discriminator_step then generator_step on one real batch; after every step, how far
    D's and G's weights moved, the returned loss, D's flag, and D's mean output on the real batch and on
    the fakes of a fixed probe noise (before any step at index 0)."""
    keras = _keras(seed)
    rng = np.random.default_rng(300 + seed)
    batch = real_images(rng, BATCH)
    probe_noise = rng.normal(0.0, 1.0, (32, LATENT)).astype(np.float32)
    generator, discriminator, gan, d_vars, g_vars = _models(keras, student)
    student_rng = np.random.default_rng(400 + seed)

    def judged():
        real = float(np.mean(_numpy(keras, discriminator(batch, training=False))))
        fake = float(np.mean(_numpy(keras, discriminator(generator(probe_noise, training=False), training=False))))
        return real, fake

    real, fake = judged()
    record = {"kind": [None], "d_change": [0.0], "g_change": [0.0], "loss": [None], "d_trainable": [None],
              "d_real": [real], "d_fake": [fake], "d_variables": len(d_vars), "g_variables": len(g_vars)}
    for _ in range(3):
        for kind in ("d", "g"):
            d_before, g_before = _snapshot(keras, d_vars), _snapshot(keras, g_vars)
            if kind == "d":
                loss = student.discriminator_step(discriminator, generator, batch.copy(), LATENT, student_rng)
            else:
                loss = student.generator_step(generator, discriminator, gan, BATCH, LATENT, student_rng)
            real, fake = judged()
            record["kind"].append(kind)
            record["d_change"].append(_change(keras, d_before, d_vars))
            record["g_change"].append(_change(keras, g_before, g_vars))
            record["loss"].append(_float(loss))
            record["d_trainable"].append(bool(getattr(discriminator, "trainable", True)))
            record["d_real"].append(real)
            record["d_fake"].append(fake)
    return record


_BATCHINGS = [{"n": 50, "batch_size": 8}, {"n": 30, "batch_size": 4}]


@probe("batches", cases=_BATCHINGS, timeout=20)
def batches(student, n, batch_size):
    """The ids of the images in each batch iterate_batches yields for one epoch (image i is filled with i)."""
    images = np.broadcast_to(np.arange(n, dtype=np.float32)[:, None, None, None], (n, 2, 2, 1)).copy()
    rng = np.random.default_rng(n)
    out, shapes, odd = [], [], None
    for count, item in enumerate(student.iterate_batches(images, batch_size, rng)):
        if count >= 200:  # an endless generator: 200 batches are evidence enough
            break
        try:
            array = np.asarray(item, dtype=np.float64)
        except (TypeError, ValueError):  # not images at all (the `...` placeholder, say): describe it
            odd = odd or repr(item)[:60]
            out.append([])
            shapes.append(None)
            continue
        shapes.append(list(array.shape))
        out.append([int(round(v)) for v in array.reshape(len(array), -1)[:, 0]] if array.ndim >= 2 else [])
    return {"batches": out, "shapes": shapes, "odd": odd}


@probe("train", cases=[{"seed": 0}], timeout=60)
def train(student, seed):
    """train(...) for 2 epochs of batch 8 on 20 real images: its returned history and how far D and G moved."""
    keras = _keras(seed)
    rng = np.random.default_rng(700 + seed)
    images = real_images(rng, 20)
    generator, discriminator, gan, d_vars, g_vars = _models(keras, student)
    d_before, g_before = _snapshot(keras, d_vars), _snapshot(keras, g_vars)
    calls = {"discriminator_step": 0, "generator_step": 0}
    originals = {name: getattr(student, name, None) for name in calls}
    try:  # count the steps train takes through the module's own step functions (zero if it inlines them)
        for name, original in originals.items():
            if callable(original):
                setattr(student, name, _counted(original, calls, name))
        history = student.train(generator, discriminator, gan, images.copy(), 2, 8, LATENT,
                                np.random.default_rng(seed))
    finally:
        for name, original in originals.items():
            if callable(original):
                setattr(student, name, original)
    rows = None
    if isinstance(history, (list, tuple)):
        rows = []
        for row in list(history)[:100]:
            if isinstance(row, dict):
                rows.append({"d_loss": _float(row.get("d_loss")), "g_loss": _float(row.get("g_loss")),
                             "keys": sorted(str(k) for k in row)[:6]})
            else:
                rows.append(None)
    return {"type": type(history).__name__, "rows": rows, "expected_steps": 2 * 3,
            "d_change": _change(keras, d_before, d_vars), "g_change": _change(keras, g_before, g_vars),
            "d_calls": calls["discriminator_step"], "g_calls": calls["generator_step"]}


def _counted(function, calls, name):
    def counting(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)
    return counting

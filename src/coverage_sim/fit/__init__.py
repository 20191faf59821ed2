"""Fitting plan inputs to a company's own exports: ``coverage-sim fit``.

Data flows one way: exports -> ``fit`` -> a plan overlay (a scenario file) -> the loader.
This package reads exports and writes overlays; it never imports the engine. The API
follows lifelines/statsmodels: a fitter class, ``.fit()`` returning the fitter, and a
``summary`` of rows with ``value``, ``low`` and ``high``::

    from coverage_sim.fit.sbg import Lifetimes, SBGFitter
    fitter = SBGFitter(level=0.9).fit(Lifetimes.from_survivors([1000, 631, 468, 382]))
    fitter.summary        # [Estimate(name='alpha', value=..., low=..., high=...), ...]

Modules: ``sbg`` (retention), ``revenue`` (GRR/NRR), ``acv`` (land ACV), ``demand``
(logos per head, the demand ceiling), ``response`` (covered vs uncovered GLMs),
``retention``/``land``/``coverage`` (the three commands), ``table`` (reading exports),
``overlay`` (writing the plan overlay). docs/fit.md describes the models.
"""

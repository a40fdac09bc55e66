"""Recorded smart homes in: CASAS and van Kasteren / UCI ADL files to CareWatch files.

``carewatch import casas FILE`` and ``carewatch import kasteren DIR`` write what
``carewatch simulate`` writes (``readings.jsonl``, ``labels.jsonl``, ``homes.json``), so
``carewatch replay`` and the scorer run on a real home as on a simulated one. Sensor and
activity names are mapped by a TOML file (:mod:`simulators.recordings.mapping`), with
built-in defaults per format. Label kinds (:mod:`simulators.recordings.labels`):
``sleep``, ``toilet``, ``away``, ``night_wandering``, ``night_up`` and ``activity``, each
with the recorded activity name as its detail. Local times become UTC through the IANA
database (:mod:`simulators.recordings.walltime`). See docs/recordings.md.
"""

"""``bench run --executor ray``: the same job matrix on the nodes of a Ray cluster.

The driver plans and stores exactly as a local run does (same job keys, same results
directory, written by the driver alone); each job group runs on one node through the local
runner (``bench.run.runner.run_group``), so worker lifecycle, the machine lock, interleaved
rounds and timeouts are the same code. ``nodes`` reads and selects the nodes, ``connect``
reaches the cluster, ``survey`` checks each node runs this code, ``node_task`` is what runs
on a node, ``placement`` what a group asks of one, ``executor`` the driver's loop, and
``launch`` the ``bench run`` entry. Imports Ray only inside functions: the rest of bench
never needs it.
"""

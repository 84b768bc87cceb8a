from suites.mnli_proxy.suite import MnliProxyConfig, MnliProxySuite

SUITE = MnliProxySuite()

__all__ = ["SUITE", "MnliProxyConfig", "MnliProxySuite"]

from suites.mnli_proxy.suite import MnliProxyConfig, MnliProxySuite

__all__ = ["MnliProxyConfig", "MnliProxySuite"]

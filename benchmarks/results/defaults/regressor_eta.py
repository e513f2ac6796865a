"""L1MLPRegressor at its defaults (eta='auto') on regression sets made offline; R^2 on a held-out quarter.

    python benchmarks/results/defaults/regressor_eta.py
"""
import warnings; warnings.simplefilter("ignore")
import numpy as np
from sklearn.datasets import load_diabetes, make_friedman1, make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from skl1net import L1MLPRegressor
rng=np.random.RandomState(0)
def std(X): return StandardScaler().fit_transform(X)
def z(y): return (y-y.mean(0))/y.std(0)
sets={}
X,y=load_diabetes(return_X_y=True); sets['diabetes std y']=(std(X),z(y)); sets['diabetes raw y']=(std(X),y)
X,y=make_friedman1(2000,noise=1.0,random_state=0); sets['friedman1 std y']=(std(X),z(y)); sets['friedman1 raw y']=(std(X),y); sets['friedman1 y*20']=(std(X),20*y)
X,y=make_regression(2000,50,n_informative=10,noise=5,random_state=0); sets['linear50 std y']=(std(X),z(y)); sets['linear50 raw y']=(std(X),y)
X=rng.standard_t(2,size=(2000,10)); y=X[:,0]-2*np.tanh(X[:,1])+0.1*rng.randn(2000); sets['t2 heavy']=(X,z(y))
X,Y=make_regression(2000,20,n_targets=3,noise=1,random_state=1); sets['multi3 std']=(std(X),z(Y)); sets['multi3 raw']=(std(X),Y)
for name,(X,y) in sets.items():
    a,b,c,d=train_test_split(X,y,random_state=0)
    try:
        e=L1MLPRegressor(random_state=0).fit(a,c); print(f"{name:18s} eta_ {e.eta_:.2g} R2 {e.score(b,d):.3f} zeros {e.zero_fraction_:.2f} epochs {e.n_iter_}", flush=True)
    except ValueError as ex: print(name, 'DIVERGED', str(ex)[:80])

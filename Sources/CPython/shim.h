// The few CPython C-API functions LossCheck's embedded backend calls,
// declared here rather than through <Python.h>: Python.h re-declares system
// types (fd_set, ...) that clash with Foundation's module map. All of these
// are stable, exported functions of libpython3 (3.8 and later); the library
// itself is linked through pkg-config python3-embed.
#include <sys/types.h>
#include <stddef.h>

typedef struct _object PyObject;
typedef ssize_t Py_ssize_t;
typedef int PyGILState_STATE;
typedef struct _ts PyThreadState;

#define LOSSCHECK_PY_FILE_INPUT 257

int Py_IsInitialized(void);
void Py_InitializeEx(int);
void Py_SetProgramName(const wchar_t *);
wchar_t *Py_DecodeLocale(const char *, size_t *);
const char *Py_GetVersion(void);
PyThreadState *PyEval_SaveThread(void);
PyGILState_STATE PyGILState_Ensure(void);
void PyGILState_Release(PyGILState_STATE);
void Py_IncRef(PyObject *);
void Py_DecRef(PyObject *);
PyObject *PyImport_AddModule(const char *);
PyObject *PyModule_GetDict(PyObject *);
PyObject *PyDict_GetItemString(PyObject *, const char *);
PyObject *PyRun_String(const char *, int, PyObject *, PyObject *);
PyObject *PyList_New(Py_ssize_t);
int PyList_Append(PyObject *, PyObject *);
PyObject *PyTuple_New(Py_ssize_t);
int PyTuple_SetItem(PyObject *, Py_ssize_t, PyObject *);
PyObject *PyUnicode_FromString(const char *);
const char *PyUnicode_AsUTF8AndSize(PyObject *, Py_ssize_t *);
PyObject *PyBool_FromLong(long);
PyObject *PyObject_CallObject(PyObject *, PyObject *);
PyObject *PyObject_Str(PyObject *);
void PyErr_Fetch(PyObject **, PyObject **, PyObject **);
void PyErr_Clear(void);

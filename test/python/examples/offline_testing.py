"""README example: a JSONata workflow executed offline with a mock-config file.

Type-checked by pyright against the generated Python bindings by
.ci/python-check.sh. Not run there: the run happens in JavaScript, which the
offline jsii stand-in does not execute (the real jsii runtime is not
installable offline); test_bindings.py checks that the generated `execute`
is a blocking call, and test/testing/readme-example.test.ts runs the same
definition and mock config. # python-check: no-run
"""

import json
import pathlib
import tempfile

from cdk_sfn_jobs import testing

definition = {
    "QueryLanguage": "JSONata",
    "StartAt": "Train",
    "States": {
        "Train": {
            "Type": "Task",
            "Resource": "arn:aws:states:::batch:submitJob.sync",
            "Arguments": {
                "JobName": "{% $states.input.name %}",
                "JobQueue": "training",
                "JobDefinition": "train:3",
            },
            "Retry": [{"ErrorEquals": ["Batch.AWSBatchException"], "IntervalSeconds": 10}],
            "Output": "{% {'name': $states.input.name, 'status': $states.result.Status} %}",
            "End": True,
        }
    },
}

# AWS's Step Functions Local mock-config format: call 0 is throttled, call 1 succeeds
mock_config = {
    "StateMachines": {
        "Training": {"TestCases": {"ThrottledThenSucceeds": {"Train": "ThrottledThenSucceeds"}}}
    },
    "MockedResponses": {
        "ThrottledThenSucceeds": {
            "0": {"Throw": {"Error": "Batch.AWSBatchException", "Cause": "Too Many Requests"}},
            "1": {"Return": {"JobId": "job-1", "Status": "SUCCEEDED"}},
        }
    },
}
mock_file = pathlib.Path(tempfile.mkdtemp()) / "mocks.json"
mock_file.write_text(json.dumps(mock_config))

# JSON text in and out: jsii drops None (JSON null) from dicts on their way to and from the executor
result = testing.Workflow.from_definition_json(json.dumps(definition)).execute(
    input_json=json.dumps({"name": "train-model"}),
    mock_config_file=str(mock_file),
    test_case="ThrottledThenSucceeds",
)
output = json.loads(result.output_json or "null")
# SUCCEEDED {'name': 'train-model', 'status': 'SUCCEEDED'} after 10 virtual seconds, 2 transitions
print(result.status, output, result.elapsed_seconds, result.state_transitions)
# the whole result (each state's input, output and request, unused mocks), None values kept
states = json.loads(result.to_json())["states"]

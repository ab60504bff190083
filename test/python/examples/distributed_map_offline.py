"""README example: a Distributed Map with a CSV ItemReader executed offline, its S3 read mocked.

Type-checked by pyright against the generated Python bindings by
.ci/python-check.sh. Not run there: the run happens in JavaScript, which the
offline jsii stand-in does not execute; test/testing/readme-example.test.ts
runs the same definition and mock config. # python-check: no-run
"""

import json

from cdk_sfn_jobs import testing

# ---- README ----
definition = {
    "StartAt": "Score",
    "States": {
        "Score": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                "Parameters": {"Bucket": "ratings", "Key.$": "$.key"},
            },
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Count",
                "States": {"Count": {"Type": "Pass", "Parameters": {"rows.$": "States.ArrayLength($.Items)"}, "End": True}},
            },
            "End": True,
        }
    },
}
mock_config = {
    "StateMachines": {"Ratings": {"TestCases": {"ThreeRows": {"Score": "RatingsCsv"}}}},
    "MockedResponses": {"RatingsCsv": {"0": {"Return": {"Body": "user,stars\nann,5\nbob,3\ncy,4\n"}}}},
}
scored = testing.Workflow.from_definition_json(json.dumps(definition)).execute(
    input_json=json.dumps({"key": "week-1.csv"}),
    mock_config=mock_config,
    test_case="ThreeRows",
    state_machine_name="Ratings",
)
print(json.loads(scored.output_json or "null"))  # [{'rows': 2}, {'rows': 1}]
